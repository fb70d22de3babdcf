/**
 * The offline-day drill at its small size (6 deposits and 6 pickups, 1 unannounced parcel,
 * 1 return and 2 expiries in 24 simulated hours offline): every operation works offline, the
 * backlog drains within the publish window, and the cloud's view equals the kiosk's (`held`).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const drill = fileURLToPath(new URL('./offlineDay.ts', import.meta.url));

describe('drill offline-day', () => {
  it('lives a day offline, drains within the publish window, and leaves the cloud seeing what the kiosk sees', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', drill], {
      encoding: 'utf8',
      timeout: 170_000,
    });
    const figures = JSON.parse(run.stdout.trimEnd().split('\n').at(-1)!) as Record<string, unknown>;
    expect(figures['failures'], run.stdout).toEqual([]);
    expect(run.status).toBe(0);
    expect(figures).toMatchObject({
      held: true,
      offline: { hours: expect.any(Number), deposits: 6, pickups: 6, returns: 1, expired: 2 },
      drain: { batches: expect.any(Number) },
    });
    expect((figures['offline'] as { hours: number }).hours).toBeGreaterThanOrEqual(24);
  }, 180_000);
});
