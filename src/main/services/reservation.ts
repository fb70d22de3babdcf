/** Allocation against the store: which compartments may be offered, and reserving the choice. */
import type { AllocationFailure } from '../../shared/outcomes';
import {
  chooseCompartment,
  type AllocationRequest,
  type CompartmentCandidate,
} from '../core/allocation';
import { compartmentTransition } from '../core/stateMachines';
import { err, ok, type Result } from '../../shared/result';
import { listCompartments, setCompartmentState } from '../store/compartments';
import type { Db } from '../store/database';
import { listDoorOperations } from '../store/doorOperations';

export function allocationCandidates(db: Db): CompartmentCandidate[] {
  // A door operation in flight (staff, collection, a pickup whose door has not opened yet)
  // holds its compartment even while it is available: never offer it. Nor one whose IR senses
  // an item: the sensor is believed over the record.
  const busy = new Set(listDoorOperations(db).map((op) => op.compartmentId));
  return listCompartments(db).map((c) => ({
    ...c,
    doorOpen: c.doorOpen === true || busy.has(c.id) || c.itemPresent === true,
  }));
}

/** Chooses a compartment and marks it reserved; call inside the caller's transaction. */
export function reserveCompartment(
  db: Db,
  request: AllocationRequest,
): Result<CompartmentCandidate, AllocationFailure> {
  const choice = chooseCompartment(request);
  if (!choice.ok) return err(choice.error);
  const compartment = choice.value;
  const next = compartmentTransition(compartment.state, 'reserve');
  if (!next.ok) throw new Error(`allocation chose ${compartment.id} in state ${compartment.state}`);
  setCompartmentState(db, compartment.id, next.value);
  return ok(compartment);
}
