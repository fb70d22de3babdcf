/**
 * Staff actions, each with a reason and each audited: open one door, take a compartment out of
 * service or back, open every compartment holding an expired parcel.
 */
import type { StaffError } from '../../shared/outcomes';
import { err, ok, type Result } from '../../shared/result';
import { compartmentTransition } from '../core/stateMachines';
import { getCompartment, setCompartmentState } from '../store/compartments';
import { doorOperationFor } from '../store/doorOperations';
import { parcelInCompartment } from '../store/parcels';
import { returnInCompartment } from '../store/returns';
import { actorName, type Actor, type LockerContext } from './context';
import type { Collection } from './collection';
import { doorUncertainty, type Doors } from './doors';

const MAX_REASON = 200;

export class Staff {
  constructor(
    private readonly ctx: LockerContext,
    private readonly doors: Doors,
    private readonly collection: Collection,
  ) {
    doors.handle('staff_open', { closed: () => {}, abandoned: () => {} });
  }

  private check(actor: Actor, compartmentId: string, reason: string): Result<string, StaffError> {
    if (actor.role !== 'staff' && actor.role !== 'cloud') return err({ reason: 'not_staff' });
    const text = reason.trim().slice(0, MAX_REASON);
    if (text.length < 3) return err({ reason: 'reason_required' });
    if (!getCompartment(this.ctx.db, compartmentId)) return err({ reason: 'no_such_compartment' });
    return ok(text);
  }

  openDoor(actor: Actor, compartmentId: string, reason: string): Promise<Result<void, StaffError>> {
    return this.ctx.queue.run(() => this.openDoorNow(actor, compartmentId, reason));
  }

  private async openDoorNow(
    actor: Actor,
    compartmentId: string,
    reason: string,
  ): Promise<Result<void, StaffError>> {
    const checked = this.check(actor, compartmentId, reason);
    if (!checked.ok) return checked;
    const op = this.ctx.db.transaction(() => {
      if (doorOperationFor(this.ctx.db, compartmentId)) return undefined;
      const recorded = this.doors.record('staff_open', compartmentId, { actor: actorName(actor) });
      this.ctx.audit.append('staff.door_opened', {
        compartmentId,
        actor: actorName(actor),
        reason: checked.value,
      });
      return recorded;
    })();
    if (!op) return err({ reason: 'door_busy' });
    const outcome = await this.doors.unlock(op);
    if (outcome.kind === 'pulsed') return ok(undefined);
    return err(doorUncertainty(outcome, compartmentId) ?? { reason: 'door_failed' });
  }

  setOutOfService(actor: Actor, compartmentId: string, reason: string): Result<void, StaffError> {
    const checked = this.check(actor, compartmentId, reason);
    if (!checked.ok) return checked;
    this.ctx.db.transaction(() => {
      // A reservation in flight ends first, so no deposit commits into a broken compartment.
      const op = doorOperationFor(this.ctx.db, compartmentId);
      if (
        op &&
        (op.kind === 'deposit' || op.kind === 'return_deposit') &&
        (op.phase === 'recorded' || op.phase === 'pulsed')
      ) {
        this.doors.abandon(op, 'cancelled');
      }
      this.doors.takeOutOfService(compartmentId, checked.value, actorName(actor));
    })();
    return ok(undefined);
  }

  setInService(actor: Actor, compartmentId: string, reason: string): Result<void, StaffError> {
    const checked = this.check(actor, compartmentId, reason);
    if (!checked.ok) return checked;
    return this.ctx.db.transaction((): Result<void, StaffError> => {
      const compartment = getCompartment(this.ctx.db, compartmentId)!;
      const holdsSomething =
        parcelInCompartment(this.ctx.db, compartmentId) ||
        returnInCompartment(this.ctx.db, compartmentId);
      const op = doorOperationFor(this.ctx.db, compartmentId);
      const depositUnderWay = op?.kind === 'deposit' || op?.kind === 'return_deposit';
      // IR is believed: an item nothing accounts for must come out before the compartment is free.
      if (!holdsSomething && !depositUnderWay && compartment.itemPresent === true)
        return err({ reason: 'item_sensed' });
      const next = compartmentTransition(
        compartment.state,
        holdsSomething
          ? 'return_to_service_occupied'
          : depositUnderWay
            ? 'return_to_service_reserved'
            : 'return_to_service_empty',
      );
      if (!next.ok) return err({ reason: 'not_out_of_service' });
      setCompartmentState(this.ctx.db, compartmentId, next.value);
      this.ctx.audit.append('compartment.in_service', {
        compartmentId,
        reason: checked.value,
        actor: actorName(actor),
      });
      return ok(undefined);
    })();
  }

  /** Opens every compartment with an expired parcel, for collection with scan-out. */
  openAllExpired(
    actor: Actor,
  ): Promise<Result<{ opened: string[]; failed: string[] }, StaffError>> {
    return this.ctx.queue.run(async () => {
      if (actor.role !== 'staff' && actor.role !== 'cloud') return err({ reason: 'not_staff' });
      const opened: string[] = [];
      const failed: string[] = [];
      for (const item of this.collection.list().filter((c) => c.kind === 'expired_parcel')) {
        const result = await this.collection.openNow(actor, item.compartmentId);
        (result.ok ? opened : failed).push(item.compartmentId);
      }
      return ok({ opened, failed });
    });
  }
}
