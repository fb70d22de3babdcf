/**
 * The full-disk drill at its small size: a kiosk on a 24 MB tmpfs filled below its storage
 * reserve, then to nothing, then emptied, then started on a full disk; every check holds
 * (`held`). Where mounting a tmpfs is not permitted the drill says it verified nothing, and so
 * does this test (it is skipped, not passed).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const drill = fileURLToPath(new URL('./fullDisk.ts', import.meta.url));

describe('drill full-disk', () => {
  it('refuses deposits with storage_full, keeps the store intact and every door recorded, alerts when space returns, and explains a start on a full disk', (ctx) => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', drill], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const figures = JSON.parse(run.stdout.trimEnd().split('\n').at(-1)!) as Record<string, unknown>;
    if (typeof figures['skipped'] === 'string') ctx.skip(figures['skipped']);
    expect(figures['failures'], run.stdout).toEqual([]);
    expect(run.status).toBe(0);
    expect(figures).toMatchObject({
      held: true,
      freeWhenFull: 0,
      startOnFullDisk: { exitCode: 75 },
    });
    expect(figures['unlockFramesHeard']).toBeGreaterThan(0);
  }, 130_000);
});
