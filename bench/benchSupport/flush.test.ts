/**
 * The flush benchmark still runs end to end at a tiny size (its figures are not judged here):
 * `bench/flush.ts --events 1000 --restart` prints its figures as one JSON object on its last
 * line, and the kiosk killed mid-send and started again lost and doubled nothing at the cloud.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bench = fileURLToPath(new URL('../flush.ts', import.meta.url));

describe('bench flush', () => {
  it('drains a tiny backlog through Mosquitto into cloud-mock across a kiosk restart and prints its figures', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', bench, '--events', '1000', '--restart'],
      { encoding: 'utf8', timeout: 170_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const figures = JSON.parse(run.stdout.trimEnd().split('\n').at(-1)!) as Record<string, unknown>;
    expect(figures).toMatchObject({
      backlogEvents: expect.any(Number),
      eventsPerSecondAcked: expect.any(Number),
      maxPublishesInOneSecond: expect.any(Number),
      eventsSentTwice: expect.any(Number),
      firstAckMs: expect.any(Number),
      ceiling: { eventsPerSecond: expect.any(Number) },
      restart: { lost: 0, doubled: 0 },
      stored: { gaps: 0, notifiedTwice: 0 },
    });
    expect(figures['backlogEvents']).toBeGreaterThanOrEqual(1000);
    const { killedAt } = figures['restart'] as { killedAt: { ackedUpTo: number } };
    expect(killedAt.ackedUpTo).toBeLessThan(figures['backlogEvents'] as number); // mid-flush
  }, 180_000);
});
