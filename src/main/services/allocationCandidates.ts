/** The compartments as allocation sees them, from the store. */
import type { CompartmentCandidate } from '../core/allocation';
import { listCompartments } from '../store/compartments';
import type { Db } from '../store/database';
import { listDoorOperations } from '../store/doorOperations';

export function allocationCandidates(db: Db): CompartmentCandidate[] {
  // A door operation in flight (staff, collection, a pickup whose door has not opened yet)
  // holds its compartment even while it is available: never offer it.
  const busy = new Set(listDoorOperations(db).map((op) => op.compartmentId));
  return listCompartments(db).map((c) => ({
    ...c,
    doorOpen: c.doorOpen === true || busy.has(c.id),
  }));
}
