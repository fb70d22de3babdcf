/**
 * Door operations: the durable record written before a door is unlocked, the unlock itself,
 * and what the door sensors say afterwards. Each kind of operation (deposit, pickup, …)
 * supplies what happens when its door closes or the operation is given up.
 */
import type { LockBoardEvent, LockBoardFailure } from '../core/lockBoard';
import { compartmentTransition } from '../core/stateMachines';
import { err, ok, type Result } from '../../shared/result';
import {
  findCompartmentByLock,
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
  type DoorOperation,
  type DoorOperationKind,
} from '../store/doorOperations';
import type { LockerContext } from './context';

export type { DoorEndReason as AbandonReason } from '../../shared/eventTypes';
import type { DoorEndReason as AbandonReason } from '../../shared/eventTypes';

export interface DoorOperationHandler {
  /** The door closed after it had opened; `itemPresent` is the IR reading (null: no sensor). */
  closed(op: DoorOperation, itemPresent: boolean | null): void;
  /** The operation ends without its effect; undo what `begin` reserved. */
  abandoned(op: DoorOperation, reason: AbandonReason): void;
}

export class Doors {
  private handlers = {} as Record<DoorOperationKind, DoorOperationHandler>;

  constructor(private readonly ctx: LockerContext) {}

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

  /**
   * Unlocks the door of a recorded operation. When the board cannot unlock it, the operation
   * is abandoned and the compartment taken out of service, all in one transaction.
   */
  async unlock(op: DoorOperation): Promise<Result<void, LockBoardFailure>> {
    const compartment = getCompartment(this.ctx.db, op.compartmentId);
    if (!compartment) return err('no_such_lock');
    const result = await this.ctx.board.unlock({
      board: compartment.board,
      lock: compartment.lock,
    });
    if (result.ok) return ok(undefined);
    this.ctx.log.warn(
      { compartment: op.compartmentId, failure: result.error },
      'door did not unlock',
    );
    this.fail(op.id, result.error);
    return err(result.error);
  }

  /** The door did not open (board failure, or reported by the person at the locker). */
  fail(opId: number, failure: string): void {
    this.ctx.db.transaction(() => {
      const op = getDoorOperation(this.ctx.db, opId);
      if (!op) return;
      this.end(op, 'door_failed');
      this.ctx.audit.append('compartment.door_failed', {
        compartmentId: op.compartmentId,
        operation: op.kind,
        failure,
      });
      this.takeOutOfService(op.compartmentId, `door did not open (${failure})`, 'system:door');
    })();
  }

  /** Gives an operation up (timeout, doesn't fit, …): the kind's handler undoes its effect. */
  abandon(op: DoorOperation, reason: AbandonReason): void {
    this.ctx.db.transaction(() => this.end(op, reason))();
  }

  takeOutOfService(compartmentId: string, reason: string, actor: string): void {
    const compartment = getCompartment(this.ctx.db, compartmentId);
    if (!compartment) return;
    const next = compartmentTransition(compartment.state, 'take_out_of_service');
    if (!next.ok) return; // already out of service
    setCompartmentState(this.ctx.db, compartmentId, next.value, reason);
    this.ctx.audit.append('compartment.out_of_service', { compartmentId, reason, actor });
  }

  private end(op: DoorOperation, reason: AbandonReason): void {
    deleteDoorOperation(this.ctx.db, op.id);
    this.endAbandoned(op, reason);
  }

  /** Inside a transaction, for an operation already deleted: its kind undoes its effect. */
  endAbandoned(op: DoorOperation, reason: AbandonReason): void {
    this.handlers[op.kind].abandoned(op, reason);
  }

  /** Door and item changes from the board's polling. */
  async onBoardEvent(event: LockBoardEvent): Promise<void> {
    if (event.type === 'fault' || event.type === 'recovered') {
      this.ctx.db.transaction(() =>
        event.type === 'fault'
          ? this.ctx.audit.append('hardware.fault', { reason: event.reason })
          : this.ctx.audit.append('hardware.recovered', {}),
      )();
      return;
    }
    const compartment = findCompartmentByLock(this.ctx.db, event.board, event.lock);
    if (!compartment) return; // a lock no compartment is wired to
    if (event.type === 'item') {
      setDoorSensed(this.ctx.db, compartment.id, compartment.doorOpen, event.present);
      return;
    }
    const open = !event.locked;
    if (open === compartment.doorOpen) return;
    if (open) this.doorOpened(compartment);
    else await this.doorClosed(compartment);
  }

  private doorOpened(compartment: Compartment): void {
    const now = this.ctx.clock.now();
    this.ctx.db.transaction(() => {
      setDoorSensed(this.ctx.db, compartment.id, true, compartment.itemPresent);
      const op = doorOperationFor(this.ctx.db, compartment.id);
      if (!op) {
        // Nothing asked for this door: forced, or a latch that gave way. Worth an audit line.
        this.ctx.audit.append('door.opened', {
          compartmentId: compartment.id,
          operation: 'unexpected',
        });
        return;
      }
      if (op.doorOpenedAt !== null) return;
      markDoorOpened(this.ctx.db, op.id, now);
      this.ctx.audit.append('door.opened', { compartmentId: compartment.id, operation: op.kind });
    })();
  }

  private async doorClosed(compartment: Compartment): Promise<void> {
    // Read the item sensor now rather than trusting the order in which polling reported changes.
    const fresh = await this.ctx.board.queryBoard(compartment.board);
    const lock = fresh.ok ? fresh.value.locks.find((l) => l.lock === compartment.lock) : undefined;
    const itemPresent = lock ? lock.itemPresent : compartment.itemPresent;
    this.ctx.db.transaction(() => {
      setDoorSensed(this.ctx.db, compartment.id, false, itemPresent);
      const op = doorOperationFor(this.ctx.db, compartment.id);
      if (!op || op.doorOpenedAt === null) return;
      this.completeClosed(op, itemPresent);
    })();
  }

  /** Inside a transaction: the door of `op` has opened and closed again. */
  completeClosed(op: DoorOperation, itemPresent: boolean | null): void {
    deleteDoorOperation(this.ctx.db, op.id);
    this.ctx.audit.append('door.closed', { compartmentId: op.compartmentId, operation: op.kind });
    this.handlers[op.kind].closed(op, itemPresent);
  }
}
