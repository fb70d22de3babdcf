import { describe, expect, it } from 'vitest';
import { seedFleet } from '../testSupport/fleet';
import { clearEndedAlerts } from './alerts';
import { openDatabase, type Db } from './database';
import { lockerIdsAfter, lockersInBox } from './lockerPositions';
import { offlineWithoutAlert } from './lockers';
import { dueForReminder, dueForWarning, dueToExpire, dueToLapse } from './parcels';

/** A small fleet, analysed, so the planner sees tables shaped like a real one. */
function fleet(): Db {
  const db = openDatabase(':memory:');
  seedFleet(db, {
    lockers: 60,
    compartments: 30,
    center: { lat: 52.5, lng: 13.4 },
    spreadDeg: 1,
    deposited: 0.5,
    expected: 0.2,
    now: Date.UTC(2026, 0, 10),
    seed: 1,
  });
  db.exec('ANALYZE');
  return db;
}

const plan = (db: Db, sql: string, ...args: unknown[]) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map(
    (r) => r.detail,
  );

/** Each hot query, with the index it must read through and the table it must never scan. */
const HOT: { name: string; sql: string; args: unknown[]; index: RegExp; table: string }[] = [
  {
    name: 'search: lockers in a box',
    sql: lockersInBox.sql,
    args: [52, 53, 13, 14],
    index: /USING COVERING INDEX lockers_by_position/,
    table: 'lockers',
  },
  {
    name: 'search without a point: ids in order',
    sql: lockerIdsAfter.sql,
    args: ['', 200],
    index: /USING (COVERING )?INDEX sqlite_autoindex_lockers_1|USING PRIMARY KEY/,
    table: 'lockers',
  },
  {
    name: 'scheduler: allocations that lapsed',
    sql: dueToLapse.sql,
    args: [0, 500],
    index: /USING INDEX parcels_lapse_due/,
    table: 'parcels',
  },
  {
    name: 'scheduler: holds that ended',
    sql: dueToExpire.sql,
    args: [0, 500],
    index: /USING INDEX parcels_expiry_due/,
    table: 'parcels',
  },
  {
    name: 'scheduler: reminders due',
    sql: dueForReminder.sql,
    args: [0, 500],
    index: /USING INDEX parcels_reminder_due/,
    table: 'parcels',
  },
  {
    name: 'scheduler: expiry warnings due',
    sql: dueForWarning.sql,
    args: [0, 500],
    index: /USING INDEX parcels_warning_due/,
    table: 'parcels',
  },
  {
    name: 'scheduler: alerts whose end came',
    sql: clearEndedAlerts.sql,
    args: [{ now: 0, limit: 500 }],
    index: /USING INDEX alerts_ending/,
    table: 'alerts',
  },
  {
    name: 'scheduler: lockers offline too long',
    sql: offlineWithoutAlert.sql,
    args: [0, 500],
    index: /USING (COVERING )?INDEX lockers_by_presence/,
    table: 'lockers',
  },
];

describe('the hot queries of a fleet read through indexes', () => {
  for (const q of HOT)
    it(q.name, () => {
      const db = fleet();
      const steps = plan(db, q.sql, ...q.args);
      expect(steps).toContainEqual(expect.stringMatching(q.index));
      expect(steps.filter((s) => s.startsWith(`SCAN ${q.table}`))).toEqual([]);
      db.close();
    });

  it('no store module prepares a statement per call: each goes through stmt()', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const dir = new URL('.', import.meta.url);
    const offenders = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'statements.ts')
      .filter((f) => /\bdb\.prepare\(/.test(readFileSync(new URL(f, dir), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
