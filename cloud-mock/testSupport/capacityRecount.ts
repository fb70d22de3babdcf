/**
 * Test support: what a locker can still promise per size, counted from scratch the way the cloud
 * did before it kept the capacity table — every compartment by the newer of snapshot and events,
 * less expected parcels and returns — so tests can hold the maintained table against it.
 */
import { SIZES, type Size } from '../../src/shared/domain';
import type { Availability } from '../../src/shared/rest/schemas';
import { effectiveCompartments } from '../services/capacity';
import type { Db } from '../store/database';
import { getLocker } from '../store/lockers';
import { countExpectedBySize } from '../store/parcels';
import { countExpectedReturnsBySize } from '../store/returns';

export function recountAvailability(db: Db, lockerId: string): Availability {
  const locker = getLocker(db, lockerId);
  if (!locker) throw new Error(`no locker ${lockerId}`);
  const free = new Map<Size, number>(SIZES.map((s) => [s, 0]));
  for (const c of effectiveCompartments(db, locker)) {
    if (c.state === 'available' && c.doorOpen !== true)
      free.set(c.size, (free.get(c.size) ?? 0) + 1);
  }
  const parcels = countExpectedBySize(db, locker.id);
  const returns = countExpectedReturnsBySize(db, locker.id);
  const out: Availability = { S: 0, M: 0, L: 0, XL: 0 };
  for (const s of SIZES)
    out[s] = Math.max(0, (free.get(s) ?? 0) - (parcels.get(s) ?? 0) - (returns.get(s) ?? 0));
  return out;
}
