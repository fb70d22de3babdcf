/**
 * Queries on the capacity table: what each locker can still promise per size, kept by the
 * triggers of migration 009 in the same transaction as every change that moves it.
 */
import type { Availability } from '../../src/shared/rest/schemas';
import type { Db } from './database';
import { stmt } from './statements';

/** Compartments that can take a parcel, less those already promised, per size (never < 0). */
export function availableBySize(db: Db, lockerId: string): Availability {
  const out: Availability = { S: 0, M: 0, L: 0, XL: 0 };
  const rows = stmt(
    db,
    'SELECT size, MAX(0, free - promised) AS n FROM capacity WHERE locker_id = ?',
  ).all(lockerId) as { size: keyof Availability; n: number }[];
  for (const r of rows) out[r.size] = r.n;
  return out;
}
