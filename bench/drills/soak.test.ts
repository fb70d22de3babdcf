/**
 * The soak drill at a small size (90 deposit + pickup cycles after a warm-up round, 45
 * compartments): every cycle accepted, RSS flat, the event log kept short by pruning once the
 * cloud acked and the clock moved past the retention, p99 code→unlock as at the start (`held`).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const drill = fileURLToPath(new URL('./soak.ts', import.meta.url));

describe('drill soak', () => {
  it('cycles deposits and pickups through the IPC handler table with memory, log size and unlock time holding steady', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', drill, '--cycles', '90', '--compartments', '45', '--warmup', '45'],
      { encoding: 'utf8', timeout: 170_000 },
    );
    const figures = JSON.parse(run.stdout.trimEnd().split('\n').at(-1)!) as Record<string, unknown>;
    expect(figures['checks'], run.stdout.slice(-3000)).toEqual({
      ran: true,
      rssFlat: true,
      externalFlat: true,
      eventLogBounded: true,
      p99Unchanged: true,
    });
    expect(run.status).toBe(0);
    expect((figures['eventLog'] as { pruned: number }).pruned).toBeGreaterThan(0);
  }, 180_000);
});
