/**
 * What each door fact does to the store: the durable record of a door operation and the
 * transactions that move it on (pulsed, opened, closed and settled, failed, unknown,
 * inspection), with each kind's handler for its effect. No board I/O here: Doors, built on it,
 * talks to the board and decides which of these apply (core/doorOperation.ts).
 */
import type { SettleDecision, DoorReading } from '../core/doorOperation';
import { compartmentTransition } from '../core/stateMachines';
import {
  getCompartment,
  setCompartmentState,
  setDoorSensed,
  type Compartment,
} from '../store/compartments';
import {
  deleteDoorOperation,
  doorOperationFor,
  getDoorOperation,
  insertDoorOperation,
  markDoorOpened,
  setDoorEnding,
  setDoorPhase,
  setInspecting,
  type DoorOperation,
  type DoorOperationKind,
} from '../store/doorOperations';
import { parcelInCompartment } from '../store/parcels';
import { returnInCompartment } from '../store/returns';
import type { DoorContradiction, DoorUncertain } from '../../shared/outcomes';
import { err, ok, type Result } from '../../shared/result';
import type { LockerContext } from './context';

export type { DoorEndReason as AbandonReason } from '../../shared/eventTypes';
import type { DoorEndReason as AbandonReason } from '../../shared/eventTypes';

export interface DoorOperationHandler {
  /** The door closed after it had opened; `itemPresent` is the IR reading (null: no sensor). */
  closed(op: DoorOperation, itemPresent: boolean | null): void;
  /** The operation ends without its effect; undo what `begin` reserved. */
  abandoned(op: DoorOperation, reason: AbandonReason): void;
}

export type DoesntFitRefusal =
  | Extract<DoorUncertain, { reason: 'door_unknown' }>
  | Exclude<DoorContradiction, { reason: 'door_was_open' }>;

/** Out-of-service reasons the doors set themselves, so a known outcome can lift them again. */
export const INSPECTION_REASON = 'inspection: door outcome unknown';
const FOREIGN_ITEM_REASON = 'inspection: item sensed in an empty compartment';

/** Failures that mean the latch was pulsed and the door stayed shut. */
const JAM_FAILURES = new Set([
  'jammed',
  'no_answer',
  'not_opened',
  'reported_by_courier',
  'reported_by_customer',
]);

export class DoorRecord {
  private readonly handlers = {} as Record<DoorOperationKind, DoorOperationHandler>;

  constructor(protected readonly ctx: LockerContext) {}

  handle(kind: DoorOperationKind, handler: DoorOperationHandler): void {
    this.handlers[kind] = handler;
  }

  /** Records the operation; call inside the transaction that records why the door opens. */
  record(
    kind: DoorOperationKind,
    compartmentId: string,
    refs: { parcelId?: string; returnId?: string; actor: string },
  ): DoorOperation {
    const now = this.ctx.clock.now();
    return insertDoorOperation(this.ctx.db, {
      kind,
      compartmentId,
      parcelId: refs.parcelId ?? null,
      returnId: refs.returnId ?? null,
      actor: refs.actor,
      startedAt: now,
      deadlineAt: now + this.ctx.policy.reservationTimeoutSec * 1000,
    });
  }

  /** The latch fired. A door already open (a bounced latch, a broken sensor) is recorded open at once. */
  protected pulsed(
    op: DoorOperation,
    attempt: number,
    acknowledged: boolean,
    reading: DoorReading | null,
    reopenedBy?: string,
  ): void {
    const { db, clock } = this.ctx;
    db.transaction(() => {
      this.ctx.audit.append('lock.pulsed', {
        compartmentId: op.compartmentId,
        operationId: op.id,
        operation: op.kind,
        attempt,
        acknowledged,
        ...(reopenedBy ? { reopenedBy } : {}),
      });
      setDoorPhase(db, op.id, 'pulsed', clock.now());
      const compartment = getCompartment(db, op.compartmentId)!;
      if (reading) setDoorSensed(db, compartment.id, reading.doorOpen, reading.itemPresent);
      if (reading?.doorOpen === true || compartment.doorOpen === true) this.opened(op.id);
    })();
  }

  /** Inside a transaction: the door of operation `opId` is open. */
  protected opened(opId: number): void {
    const op = getDoorOperation(this.ctx.db, opId);
    if (!op || op.phase === 'opened') return;
    markDoorOpened(this.ctx.db, op.id, this.ctx.clock.now());
    this.ctx.audit.append('door.opened', {
      compartmentId: op.compartmentId,
      operation: op.kind,
      operationId: op.id,
    });
    this.liftInspection(op);
  }

  /** The door did not open: the operation ends and the compartment is taken out of service. */
  fail(opId: number, failure: string): void {
    this.ctx.db.transaction(() => {
      const op = getDoorOperation(this.ctx.db, opId);
      if (!op) return;
      if (JAM_FAILURES.has(failure))
        this.ctx.audit.append('door.jammed', {
          compartmentId: op.compartmentId,
          operation: op.kind,
          operationId: op.id,
          evidence: failure,
        });
      this.end(op, 'door_failed');
      this.ctx.audit.append('compartment.door_failed', {
        compartmentId: op.compartmentId,
        operation: op.kind,
        failure,
      });
      this.takeOutOfService(op.compartmentId, `door did not open (${failure})`, 'system:door');
    })();
  }

  /** No usable answer and no reading: keep the operation, put its compartment in inspection. */
  protected toUnknown(opId: number, failure: string): void {
    const { db, clock } = this.ctx;
    db.transaction(() => {
      const op = getDoorOperation(db, opId);
      if (!op) return;
      setDoorPhase(db, op.id, 'unknown', clock.now());
      setDoorSensed(db, op.compartmentId, null, null);
      this.ctx.audit.append('door.outcome_unknown', {
        compartmentId: op.compartmentId,
        operation: op.kind,
        operationId: op.id,
        failure,
      });
      if (this.takeOutOfService(op.compartmentId, INSPECTION_REASON, 'system:door'))
        setInspecting(db, op.id, true);
    })();
  }

  /** Gives an operation up (cancelled, doesn't fit, …): the kind's handler undoes its effect. */
  abandon(op: DoorOperation, reason: AbandonReason): void {
    this.ctx.db.transaction(() => {
      const current = getDoorOperation(this.ctx.db, op.id);
      if (current) this.end(current, reason);
    })();
  }

  /** Inside a transaction. Returns whether the compartment went out of service just now. */
  takeOutOfService(compartmentId: string, reason: string, actor: string): boolean {
    const compartment = getCompartment(this.ctx.db, compartmentId);
    if (!compartment) return false;
    const next = compartmentTransition(compartment.state, 'take_out_of_service');
    if (!next.ok) return false; // already out of service
    setCompartmentState(this.ctx.db, compartmentId, next.value, reason);
    this.ctx.audit.append('compartment.out_of_service', { compartmentId, reason, actor });
    return true;
  }

  /** Inside a transaction: the operation ends without its effect. */
  protected end(op: DoorOperation, reason: AbandonReason): void {
    deleteDoorOperation(this.ctx.db, op.id);
    this.handlers[op.kind].abandoned(op, reason);
    if (reason !== 'inspection') this.liftInspection(op);
  }

  /** Inside a transaction: nobody can know what happened; staff must look. */
  protected inspect(op: DoorOperation, why: string): void {
    deleteDoorOperation(this.ctx.db, op.id);
    this.handlers[op.kind].abandoned(op, 'inspection');
    this.ctx.audit.append('door.inspection', {
      compartmentId: op.compartmentId,
      operation: op.kind,
      operationId: op.id,
      why,
    });
    const compartment = getCompartment(this.ctx.db, op.compartmentId)!;
    const reason = `inspection: ${why}`;
    if (!this.takeOutOfService(op.compartmentId, reason, 'system:door')) {
      // Already in inspection for this operation: say why it stays there.
      if (compartment.outOfServiceReason === INSPECTION_REASON)
        setCompartmentState(this.ctx.db, op.compartmentId, 'out_of_service', reason);
    }
  }

  /**
   * Inside a transaction: an operation whose unknown outcome put its compartment in inspection
   * now has a known one, so the compartment goes back to what its contents make it.
   */
  private liftInspection(op: DoorOperation): void {
    if (!op.inspecting) return;
    const { db } = this.ctx;
    setInspecting(db, op.id, false);
    const compartment = getCompartment(db, op.compartmentId);
    if (compartment?.state !== 'out_of_service') return;
    if (compartment.outOfServiceReason !== INSPECTION_REASON) return;
    this.returnToService(compartment, 'door outcome known', 'system:door');
  }

  /** Inside a transaction: back in service, as reserved, occupied or available by its contents. */
  returnToService(compartment: Compartment, reason: string, actor: string): void {
    const { db } = this.ctx;
    const holds =
      parcelInCompartment(db, compartment.id) ?? returnInCompartment(db, compartment.id);
    const op = doorOperationFor(db, compartment.id);
    const depositing = op?.kind === 'deposit' || op?.kind === 'return_deposit';
    // IR is believed: something inside that nothing accounts for keeps it out of service.
    if (!holds && !depositing && compartment.itemPresent === true) {
      if (compartment.outOfServiceReason !== FOREIGN_ITEM_REASON)
        setCompartmentState(db, compartment.id, 'out_of_service', FOREIGN_ITEM_REASON);
      return;
    }
    const next = compartmentTransition(
      compartment.state,
      holds
        ? 'return_to_service_occupied'
        : depositing
          ? 'return_to_service_reserved'
          : 'return_to_service_empty',
    );
    if (!next.ok) return;
    setCompartmentState(db, compartment.id, next.value);
    this.ctx.audit.append('compartment.in_service', {
      compartmentId: compartment.id,
      reason,
      actor,
    });
  }

  /** Inside a transaction: the door of `op` opened and closed again; record its effect. */
  protected complete(op: DoorOperation, itemPresent: boolean | null): void {
    deleteDoorOperation(this.ctx.db, op.id);
    this.ctx.audit.append('door.closed', {
      compartmentId: op.compartmentId,
      operation: op.kind,
      operationId: op.id,
    });
    this.handlers[op.kind].closed(op, itemPresent);
    this.liftInspection(op);
    // Whatever the operation was, an item left in a compartment now free is believed.
    const after = getCompartment(this.ctx.db, op.compartmentId);
    if (after && itemPresent === true) this.foreignItemCheck({ ...after, itemPresent });
  }

  /**
   * Inside a transaction: the door closed after it was seen open. After "doesn't fit" the item
   * sensor decides; without one, the person must confirm the compartment is empty.
   */
  protected closedAfterOpen(op: DoorOperation, itemPresent: boolean | null): void {
    if (op.ending !== 'doesnt_fit' || itemPresent === true) return this.complete(op, itemPresent);
    setDoorPhase(this.ctx.db, op.id, 'awaiting_confirmation', this.ctx.clock.now());
    this.ctx.audit.append('door.closed', {
      compartmentId: op.compartmentId,
      operation: op.kind,
      operationId: op.id,
    });
  }

  /**
   * "Doesn't fit" said for `op`. Refused while the door's state contradicts it (never seen open,
   * or unknown); while the door stands open it is remembered and the door must be closed first
   * (then IR decides, or the operation awaits confirmation). Said again on the closed door, it
   * confirms the compartment is empty: the operation ends, and the caller opens a larger one.
   */
  doesntFit(op: DoorOperation): Result<void, DoesntFitRefusal> {
    const { compartmentId } = op;
    switch (op.phase) {
      case 'unknown':
        return err({ reason: 'door_unknown', compartmentId });
      case 'recorded':
      case 'pulsed':
        return err({ reason: 'door_not_open', compartmentId });
      case 'opened':
        setDoorEnding(this.ctx.db, op.id, 'doesnt_fit');
        return err({ reason: 'close_door_first', compartmentId });
      case 'awaiting_confirmation':
        this.abandon(op, 'doesnt_fit');
        return ok(undefined);
    }
  }

  /** Inside a transaction: an item in a compartment that should be empty is believed. */
  protected foreignItemCheck(compartment: Compartment): void {
    if (compartment.itemPresent !== true || compartment.state !== 'available') return;
    if (doorOperationFor(this.ctx.db, compartment.id)) return;
    this.ctx.audit.append('compartment.foreign_item', { compartmentId: compartment.id });
    this.takeOutOfService(compartment.id, FOREIGN_ITEM_REASON, 'system:ir');
  }

  /** Inside a transaction: apply a settle decision to `op`. */
  protected settle(op: DoorOperation, decision: SettleDecision, reading: DoorReading): void {
    switch (decision) {
      case 'resume':
        if (op.phase === 'awaiting_confirmation' && !reading.doorOpen) return;
        return this.opened(op.id);
      case 'complete':
        return op.phase === 'opened'
          ? this.closedAfterOpen(op, reading.itemPresent)
          : this.complete(op, reading.itemPresent);
      case 'abandon':
        return this.end(op, 'reconciled');
      case 'inspect':
        return this.inspect(op, `${op.kind} outcome unknown`);
      case 'defer':
        return;
    }
  }
}
