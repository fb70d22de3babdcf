/**
 * Customer pickup (DESIGN §3): code or QR → verify → record `pickup.authorized` durably →
 * unlock → door opened → door closed → picked up. A door that fails to open does not use up
 * the code; wrong and used codes get one neutral answer; an expired parcel sends the customer
 * to support.
 */
import type { PickupError, PickupOpened } from '../../shared/outcomes';
import { err, ok, type Result } from '../../shared/result';
import { compartmentTransition, parcelTransition } from '../core/stateMachines';
import { getCompartment, setCompartmentState } from '../store/compartments';
import { doorOperationFor, getDoorOperation, type DoorOperation } from '../store/doorOperations';
import { getParcel, parcelForPickup, saveParcel } from '../store/parcels';
import type { Codes, CustomerKey } from './codes';
import { customer, actorName, type LockerContext } from './context';
import { doorUncertainty, type Doors } from './doors';

export class Pickups {
  constructor(
    private readonly ctx: LockerContext,
    private readonly doors: Doors,
    private readonly codes: Codes,
  ) {
    doors.handle('pickup', {
      closed: (op, itemPresent) => this.doorClosed(op, itemPresent),
      abandoned: (op, reason) =>
        this.ctx.audit.append('pickup.abandoned', {
          parcelId: op.parcelId!,
          compartmentId: op.compartmentId,
          reason,
        }),
    });
  }

  withCode(input: string, method: 'code' | 'qr'): Promise<Result<PickupOpened, PickupError>> {
    return this.ctx.queue.run(() => this.withCodeNow(input, method));
  }

  private async withCodeNow(
    input: string,
    method: 'code' | 'qr',
  ): Promise<Result<PickupOpened, PickupError>> {
    const key = this.codes.read(input, method, 'pickup');
    if (key === null) return err({ reason: 'bad_format' });
    const authorized = this.authorize(key, method);
    if (!authorized.ok) return authorized;
    const op = authorized.value;
    // The same code again: the same door, pulsed once only.
    if (op.phase === 'unknown')
      return err({ reason: 'door_unknown', compartmentId: op.compartmentId });
    if (op.phase !== 'recorded') return ok(this.describe(op));
    const outcome = await this.doors.unlock(op);
    if (outcome.kind === 'pulsed') return ok(this.describe(op));
    return err(doorUncertainty(outcome, op.compartmentId) ?? { reason: 'door_failed' });
  }

  /**
   * The customer says the door did not open (core/doorRecovery.ts): one reopen of the same door,
   * then a jam (out of service; the code still works, as for any door that fails to open). Only
   * the screen that opened the pickup knows its parcel id, which proves it is theirs.
   */
  doorDidNotOpen(
    operationId: number,
    parcelId: string,
  ): Promise<Result<PickupOpened, PickupError>> {
    return this.ctx.queue.run(async () => {
      const op = getDoorOperation(this.ctx.db, operationId);
      if (!op || op.kind !== 'pickup' || op.parcelId !== parcelId)
        return err({ reason: 'no_such_pickup' });
      const compartment = getCompartment(this.ctx.db, op.compartmentId)!;
      const said = await this.doors.didNotOpen(op, compartment, customer);
      if (!said.ok) return err(said.error);
      return said.value === 'reopened' ? ok(this.describe(op)) : err({ reason: 'door_failed' });
    });
  }

  private describe(op: DoorOperation): PickupOpened {
    return { operationId: op.id, parcelId: op.parcelId!, compartmentId: op.compartmentId };
  }

  /** One transaction: the code check, the throttle update and the durable authorization. */
  private authorize(key: CustomerKey, method: 'code' | 'qr'): Result<DoorOperation, PickupError> {
    const { db } = this.ctx;
    return db.transaction((): Result<DoorOperation, PickupError> => {
      const match = this.codes.match(key, (of, digest) => parcelForPickup(db, of, digest));
      if (!match.ok) return match;
      const parcel = match.value;
      if (parcel.state === 'expired') return err({ reason: 'parcel_expired' });
      const compartmentId = parcel.compartmentId!;
      const pending = doorOperationFor(db, compartmentId);
      if (pending?.kind === 'pickup' && pending.parcelId === parcel.id) return ok(pending);
      if (pending) return err({ reason: 'door_failed' }); // staff or collection has this door now
      const compartment = getCompartment(db, compartmentId)!;
      if (compartment.state === 'out_of_service') return err({ reason: 'door_failed' });
      const op = this.doors.record('pickup', compartmentId, {
        parcelId: parcel.id,
        actor: actorName(customer),
      });
      this.ctx.audit.append('pickup.authorized', { parcelId: parcel.id, compartmentId, method });
      return ok(op);
    })();
  }

  /** Inside the door's transaction. With IR, a parcel still inside means it was not taken. */
  private doorClosed(op: DoorOperation, itemPresent: boolean | null): void {
    const { db, clock } = this.ctx;
    if (itemPresent === true) {
      this.ctx.audit.append('pickup.abandoned', {
        parcelId: op.parcelId!,
        compartmentId: op.compartmentId,
        reason: 'not_taken',
      });
      return;
    }
    const parcel = getParcel(db, op.parcelId!)!;
    // Expiry skips parcels with a pickup under way, so this is always legal.
    const next = parcelTransition(parcel.state, 'pick_up');
    if (!next.ok) throw new Error(`pickup of parcel ${parcel.id} in state ${parcel.state}`);
    saveParcel(db, { ...parcel, state: next.value, closedAt: clock.now() });
    const compartment = getCompartment(db, op.compartmentId)!;
    const slot = compartmentTransition(compartment.state, 'empty');
    if (slot.ok) setCompartmentState(db, compartment.id, slot.value);
    this.ctx.audit.append('parcel.picked_up', {
      parcelId: parcel.id,
      compartmentId: op.compartmentId,
    });
  }
}
