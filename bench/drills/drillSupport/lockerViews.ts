/**
 * Drill support: one locker as the kiosk's store and as the cloud's store each describe it, in
 * the same plain shape, so a drill can say where they differ: every compartment's state and
 * contents (parcels by tracking barcode, returns by id), every parcel's and return's state.
 */
import type Database from 'better-sqlite3';

export interface LockerView {
  compartments: Record<string, string>;
  parcels: Record<string, string>;
  returns: Record<string, string>;
}

const contents = (state: string, parcel: string | null, ret: string | null) =>
  `${state} ${parcel ?? ret ?? 'empty'}`;

/** The kiosk's own store. */
export function kioskView(db: Database.Database): LockerView {
  const rows = db
    .prepare(
      `SELECT c.id, c.state,
         (SELECT p.tracking_barcode FROM parcels p WHERE p.compartment_id = c.id
            AND p.state IN ('deposited', 'expired')) AS parcel,
         (SELECT r.id FROM returns r WHERE r.compartment_id = c.id AND r.state = 'deposited') AS ret
       FROM compartments c`,
    )
    .all() as { id: string; state: string; parcel: string | null; ret: string | null }[];
  const parcels = db.prepare('SELECT tracking_barcode AS b, state FROM parcels').all() as {
    b: string;
    state: string;
  }[];
  const returns = db.prepare('SELECT id, state FROM returns').all() as {
    id: string;
    state: string;
  }[];
  return {
    compartments: Object.fromEntries(rows.map((r) => [r.id, contents(r.state, r.parcel, r.ret)])),
    parcels: Object.fromEntries(parcels.map((p) => [p.b, p.state])),
    returns: Object.fromEntries(returns.map((r) => [r.id, r.state])),
  };
}

/** The cloud's store, for one locker. */
export function cloudView(db: Database.Database, lockerId: string): LockerView {
  const rows = db
    .prepare(
      `SELECT c.id, c.state, p.tracking_barcode AS parcel, c.return_id AS ret
       FROM compartments c LEFT JOIN parcels p
         ON p.locker_id = c.locker_id AND p.parcel_id = c.parcel_id
       WHERE c.locker_id = ?`,
    )
    .all(lockerId) as { id: string; state: string; parcel: string | null; ret: string | null }[];
  const parcels = db
    .prepare('SELECT tracking_barcode AS b, state FROM parcels WHERE locker_id = ?')
    .all(lockerId) as { b: string; state: string }[];
  const returns = db
    .prepare('SELECT return_id AS id, state FROM returns WHERE locker_id = ?')
    .all(lockerId) as { id: string; state: string }[];
  return {
    compartments: Object.fromEntries(rows.map((r) => [r.id, contents(r.state, r.parcel, r.ret)])),
    parcels: Object.fromEntries(parcels.map((p) => [p.b, p.state])),
    returns: Object.fromEntries(returns.map((r) => [r.id, r.state])),
  };
}

/** Every key where the two views differ, as "what id: kiosk … | cloud …". */
export function differences(kiosk: LockerView, cloud: LockerView): string[] {
  const out: string[] = [];
  for (const part of ['compartments', 'parcels', 'returns'] as const) {
    const keys = new Set([...Object.keys(kiosk[part]), ...Object.keys(cloud[part])]);
    for (const key of [...keys].sort()) {
      const [a, b] = [kiosk[part][key], cloud[part][key]];
      if (a !== b) out.push(`${part} ${key}: kiosk ${a ?? 'absent'} | cloud ${b ?? 'absent'}`);
    }
  }
  return out;
}
