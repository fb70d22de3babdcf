/**
 * What the cloud may still promise at a locker, and each compartment's state from the retained
 * snapshot or the ingested events (whichever reflects the later seq).
 */
import { SIZES, type Size } from '../../src/shared/domain';
import { StateSnapshotSchema, type StateSnapshot } from '../../src/shared/protocol/messages';
import type { Availability, CompartmentView } from '../../src/shared/rest/schemas';
import { freeShapes, listCompartments } from '../store/compartments';
import type { Db } from '../store/database';
import type { Locker } from '../store/lockers';
import { availableBySize, holdingAt } from '../store/capacity';
import { canPlace, type Promised } from './placement';

export function readSnapshot(locker: Locker): StateSnapshot | null {
  if (locker.snapshot === null) return null;
  const parsed = StateSnapshotSchema.safeParse(JSON.parse(locker.snapshot));
  return parsed.success ? parsed.data : null;
}

export function effectiveCompartments(db: Db, locker: Locker): CompartmentView[] {
  const snapshot = readSnapshot(locker);
  const fromSnapshot = new Map(snapshot?.compartments.map((c) => [c.id, c]) ?? []);
  return listCompartments(db, locker.id).map((c) => {
    const base = {
      id: c.id,
      size: c.size,
      inner: c.inner,
      maxWeightG: c.maxWeightG,
      lowerDoor: c.lowerDoor,
    };
    const snap = fromSnapshot.get(c.id);
    if (snapshot && snap && snapshot.seq >= c.stateSeq) {
      const { state, doorOpen, parcelId, returnId } = snap;
      return { ...base, state, doorOpen, parcelId, returnId, source: 'snapshot' as const };
    }
    return {
      ...base,
      state: c.state,
      doorOpen: c.doorOpen,
      parcelId: c.parcelId,
      returnId: c.returnId,
      source: c.stateSeq > 0 ? ('events' as const) : ('provisioned' as const),
    };
  });
}

/**
 * What the locker can still promise per size: compartments free by the newer of snapshot and
 * events, less what parcels and returns hold (a size's shortfall taken from larger sizes).
 * Read from the capacity table, which the store keeps in the same transaction as each change
 * (migrations 009, 011), so it costs one indexed read however many compartments the locker has.
 */
export function availability(db: Db, locker: Pick<Locker, 'id'>): Availability {
  return availableBySize(db, locker.id);
}

/**
 * The smallest size the locker can promise this parcel or return in: the size class still has
 * room by the counts, and the compartments actually free hold every earlier promise and this
 * one by their dimensions. Null: nothing can be promised.
 */
export function promisableSize(db: Db, lockerId: string, wanted: Promised): Size | null {
  const counts = availableBySize(db, lockerId);
  const sizes = SIZES.filter((s) => (wanted.kind === 'return' ? s === wanted.size : true));
  if (!sizes.some((s) => counts[s] > 0)) return null;
  const free = freeShapes(db, lockerId);
  const promised = holdingAt(db, lockerId);
  return sizes.find((s) => counts[s] > 0 && canPlace(free, promised, wanted, s)) ?? null;
}
