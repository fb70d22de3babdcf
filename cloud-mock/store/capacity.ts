/**
 * Queries on the capacity table: what each locker can still promise per size, kept by the
 * triggers of migrations 009 and 011 in the same transaction as every change that moves it.
 */
import { SIZES, type Size } from '../../src/shared/domain';
import type { Availability } from '../../src/shared/rest/schemas';
import type { Db } from './database';
import { stmt } from './statements';

/**
 * Free compartments less those promised, per size, where a size short of compartments takes
 * from the next larger ones (the unit puts a parcel in the smallest free compartment that
 * fits): with every M promised and one M out of service, one M parcel will use an L, so that L
 * is not offered again.
 */
export function promisable(counts: ReadonlyMap<Size, { free: number; promised: number }>) {
  const out: Availability = { S: 0, M: 0, L: 0, XL: 0 };
  let short = 0;
  for (const size of SIZES) {
    const { free, promised } = counts.get(size) ?? { free: 0, promised: 0 };
    const wanted = promised + short;
    out[size] = Math.max(0, free - wanted);
    short = Math.max(0, wanted - free);
  }
  return out;
}

/** What a locker can still promise per size, from one indexed read of the capacity table. */
export function availableBySize(db: Db, lockerId: string): Availability {
  const rows = stmt(db, 'SELECT size, free, promised FROM capacity WHERE locker_id = ?').all(
    lockerId,
  ) as { size: Size; free: number; promised: number }[];
  return promisable(new Map(rows.map((r) => [r.size, r])));
}
