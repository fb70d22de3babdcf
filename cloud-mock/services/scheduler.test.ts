import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../store/database';
import { startTestCloud, T0 } from '../testSupport/cloudFixture';
import { seedFleet } from '../testSupport/fleet';
import { DAY_MS } from './context';
import { SCHEDULER_PAGE } from './scheduler';

describe('the scheduler over a fleet', () => {
  it('handles everything due, in pages, once: a second pass finds nothing, an extension earns one more warning', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scheduler-fleet-'));
    const file = join(dataDir, 'cloud.sqlite');
    const seeded = openDatabase(file);
    seedFleet(seeded, {
      lockers: 100,
      compartments: 30,
      center: { lat: 52.5, lng: 13.4 },
      spreadDeg: 1,
      deposited: 0.6,
      expected: 0.1,
      now: T0,
      seed: 5,
    });
    const count = (where: string) =>
      (seeded.prepare(`SELECT COUNT(*) AS n FROM parcels WHERE ${where}`).get() as { n: number }).n;
    const deposited = `state = 'deposited'`;
    const expired = count(`${deposited} AND expires_at <= ${T0}`);
    const reminders = count(`${deposited} AND deposited_at <= ${T0 - 2 * DAY_MS}`) - expired;
    const warnings = count(`${deposited} AND expires_at <= ${T0 + 12 * 3_600_000}`) - expired;
    seeded.close();
    // More than one page of each, or paging is not what is tested.
    expect(reminders).toBeGreaterThan(SCHEDULER_PAGE);

    const cloud = await startTestCloud({ dataDir });
    try {
      expect(await cloud.tick()).toMatchObject({ reminders, warnings, expired, lapsed: 0 });
      expect(await cloud.tick()).toMatchObject({
        reminders: 0,
        warnings: 0,
        expired: 0,
        lapsed: 0,
      });
      // An extension (a new expiry) re-arms the warning for that parcel alone.
      const witness = new Database(file);
      const warned = witness
        .prepare(
          `SELECT allocation_id AS id, expires_at AS e FROM parcels
           WHERE state = 'deposited' AND warned_expiry = expires_at LIMIT 1`,
        )
        .get() as { id: string; e: number };
      witness
        .prepare('UPDATE parcels SET expires_at = ? WHERE allocation_id = ?')
        .run(warned.e + 60_000, warned.id);
      witness.close();
      expect(await cloud.tick()).toMatchObject({ reminders: 0, warnings: 1, expired: 0 });
      expect(await cloud.tick()).toMatchObject({ warnings: 0 });
    } finally {
      await cloud.close();
    }
  });
});
