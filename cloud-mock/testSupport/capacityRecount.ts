/**
 * Test support: what a locker can still promise per size, counted from scratch the way the cloud
 * did before it kept the capacity table — every compartment by the newer of snapshot and events,
 * less the parcels and returns holding one (expected, or cancelled or lapsed and not confirmed
 * by the unit yet), a size's shortfall taken from the next larger sizes — so tests can hold the
 * maintained table against it.
 */
import { SIZES, type Size } from '../../src/shared/domain';
import type { Availability } from '../../src/shared/rest/schemas';
import { effectiveCompartments } from '../services/capacity';
import type { Db } from '../store/database';
import { getLocker } from '../store/lockers';

export function recountAvailability(db: Db, lockerId: string): Availability {
  const locker = getLocker(db, lockerId);
  if (!locker) throw new Error(`no locker ${lockerId}`);
  const free = new Map<Size, number>(SIZES.map((s) => [s, 0]));
  for (const c of effectiveCompartments(db, locker)) {
    if (c.state === 'available' && c.doorOpen !== true)
      free.set(c.size, (free.get(c.size) ?? 0) + 1);
  }
  const held = new Map<Size, number>(SIZES.map((s) => [s, 0]));
  const holding = db
    .prepare(
      `SELECT size FROM parcels WHERE locker_id = ? AND size IS NOT NULL
         AND (state = 'expected' OR (state = 'cancelled' AND release_pending IS NOT NULL))
       UNION ALL
       SELECT size FROM returns WHERE locker_id = ?
         AND (state = 'expected' OR (state = 'cancelled' AND release_pending IS NOT NULL))`,
    )
    .all(lockerId, lockerId) as { size: Size }[];
  for (const { size } of holding) held.set(size, (held.get(size) ?? 0) + 1);
  const out: Availability = { S: 0, M: 0, L: 0, XL: 0 };
  let carried = 0;
  for (const s of SIZES) {
    const need = (held.get(s) ?? 0) + carried;
    const have = free.get(s) ?? 0;
    out[s] = have > need ? have - need : 0;
    carried = need > have ? need - have : 0;
  }
  return out;
}
