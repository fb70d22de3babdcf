/**
 * Queries on the capacity table: what each locker can still promise per size, kept by the
 * triggers of migrations 009 and 011 in the same transaction as every change that moves it.
 */
import { SIZES, type Dimensions, type Size } from '../../src/shared/domain';
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

/** What holds a compartment at a locker, alike ones counted together. */
export type Holding =
  | { kind: 'parcel'; size: Size; dimensions: Dimensions; weightG: number; n: number }
  | { kind: 'return'; size: Size; n: number };

/**
 * The parcels and returns holding a compartment (expected, or cancelled and not yet confirmed
 * by the unit), grouped by what decides where they fit, through parcels_holding and
 * returns_holding (migration 011). A parcel without dimensions counts by its size class only.
 */
export function holdingAt(db: Db, lockerId: string): Holding[] {
  const rows = stmt(
    db,
    `SELECT size, length_mm, width_mm, height_mm, weight_g, COUNT(*) AS n FROM parcels
       WHERE locker_id = @lockerId
         AND size IS NOT NULL AND (state = 'expected' OR release_pending IS NOT NULL)
       GROUP BY size, length_mm, width_mm, height_mm, weight_g
     UNION ALL
     SELECT size, NULL, NULL, NULL, NULL, COUNT(*) FROM returns
       WHERE locker_id = @lockerId AND (state = 'expected' OR release_pending IS NOT NULL)
       GROUP BY size`,
  ).all({ lockerId }) as {
    size: Size;
    length_mm: number | null;
    width_mm: number | null;
    height_mm: number | null;
    weight_g: number | null;
    n: number;
  }[];
  return rows.map((r) =>
    r.length_mm === null || r.width_mm === null || r.height_mm === null || r.weight_g === null
      ? { kind: 'return', size: r.size, n: r.n }
      : {
          kind: 'parcel',
          size: r.size,
          dimensions: { lengthMm: r.length_mm, widthMm: r.width_mm, heightMm: r.height_mm },
          weightG: r.weight_g,
          n: r.n,
        },
  );
}
