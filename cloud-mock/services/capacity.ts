/**
 * What the cloud may still promise at a locker: each compartment's state from the retained
 * snapshot or the ingested events (whichever reflects the later seq), minus the capacity open
 * allocations and expected returns already hold.
 */
import { StateSnapshotSchema, type StateSnapshot } from '../../src/shared/protocol/messages';
import { SIZES, type Size } from '../../src/shared/domain';
import type { Availability, CompartmentView } from '../../src/shared/rest/schemas';
import { listCompartments } from '../store/compartments';
import type { Db } from '../store/database';
import type { Locker } from '../store/lockers';
import { countExpectedBySize } from '../store/parcels';
import { countExpectedReturnsBySize } from '../store/returns';

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

/** Free compartments per size minus expected parcels and returns of that size (never < 0). */
export function availability(db: Db, locker: Locker): Availability {
  const free = new Map<Size, number>(SIZES.map((s) => [s, 0]));
  for (const c of effectiveCompartments(db, locker)) {
    if (c.state === 'available' && c.doorOpen !== true)
      free.set(c.size, (free.get(c.size) ?? 0) + 1);
  }
  const parcels = countExpectedBySize(db, locker.id);
  const returns = countExpectedReturnsBySize(db, locker.id);
  const out = { S: 0, M: 0, L: 0, XL: 0 };
  for (const s of SIZES) {
    out[s] = Math.max(0, (free.get(s) ?? 0) - (parcels.get(s) ?? 0) - (returns.get(s) ?? 0));
  }
  return out;
}
