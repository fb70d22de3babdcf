/**
 * Customer returns: a return code → a compartment of the announced size opens → the door closes
 * → the return is deposited and a receipt shown. "Doesn't fit" moves up a size; a door that
 * does not open is taken out of service and another is tried.
 */
import type { ReturnError, ReturnOpened } from '../../shared/outcomes';
import type { Size } from '../../shared/domain';
import { returnReference } from '../../shared/returnReference';
import { err, ok, type Result } from '../../shared/result';
import { nominalDimensions, orNoLargerCompartment } from '../core/allocation';
import { JAM_MEMORY_MS, mayOpenAnotherDoor } from '../core/doorRecovery';
import { commitInto, compartmentTransition, returnTransition } from '../core/stateMachines';
import { getCompartment, markCompartmentUsed, setCompartmentState } from '../store/compartments';
import { getDoorOperation, listDoorOperations, type DoorOperation } from '../store/doorOperations';
import { allocationCandidates, reserveCompartment } from './reservation';
import { getReturn, returnForDeposit, saveReturn, type ReturnParcel } from '../store/returns';
import type { Codes } from './codes';
import { customer, actorName, type LockerContext } from './context';
import { doorUncertainty, type Doors } from './doors';
import type { StorageWatch } from './storageWatch';

const MAX_DOOR_ATTEMPTS = 3;

export class Returns {
  /** When each return's doors jammed, in memory (see Deposits). */
  private readonly jams = new Map<string, number[]>();

  constructor(
    private readonly ctx: LockerContext,
    private readonly doors: Doors,
    private readonly codes: Codes,
    private readonly storage: StorageWatch,
  ) {
    doors.handle('return_deposit', {
      closed: (op, itemPresent) => this.doorClosed(op, itemPresent),
      abandoned: (op, reason) => this.release(op, reason),
    });
  }

  withCode(input: string, method: 'code' | 'qr'): Promise<Result<ReturnOpened, ReturnError>> {
    return this.ctx.queue.run(async () => {
      const key = this.codes.read(input, method, 'return');
      if (key === null) return err({ reason: 'bad_format' });
      const { db } = this.ctx;
      const matched = db.transaction(() =>
        this.codes.match(key, (of, digest) => returnForDeposit(db, of, digest)),
      )();
      if (!matched.ok) return matched;
      const pending = listDoorOperations(this.ctx.db).find(
        (op) => op.returnId === matched.value.id,
      );
      if (pending?.phase === 'unknown')
        return err({ reason: 'door_unknown', compartmentId: pending.compartmentId });
      if (pending) return ok(this.describe(pending));
      // A return dropped off is a parcel taken in: not below the storage reserve.
      if (!this.storage.roomForDeposit()) return err({ reason: 'storage_full' });
      return this.reserveAndUnlock(matched.value, { atLeast: matched.value.size }, new Set());
    });
  }

  /**
   * The return does not fit. Only its own customer can say so: the operation must be the one
   * for `returnId`, which only the screen that opened it knows. As for deposits, an open door
   * must be closed first, and the door closing decides before a larger one opens.
   */
  doesntFit(operationId: number, returnId: string): Promise<Result<ReturnOpened, ReturnError>> {
    return this.ctx.queue.run(async () => {
      const op = getDoorOperation(this.ctx.db, operationId);
      if (!op || op.kind !== 'return_deposit' || op.returnId !== returnId)
        return err({ reason: 'no_such_return_deposit' });
      const size = getCompartment(this.ctx.db, op.compartmentId)!.size;
      const said = this.doors.doesntFit(op);
      if (!said.ok) return said;
      const next = await this.reserveAndUnlock(
        getReturn(this.ctx.db, returnId)!,
        { largerThan: size },
        new Set([op.compartmentId]),
      );
      return orNoLargerCompartment(next);
    });
  }

  /**
   * The customer says the door did not open (core/doorRecovery.ts): one reopen of the same door;
   * shut after that, it is jammed and another compartment of the size opens, while the return
   * has not lost doors to jams already. Proven theirs by the return's id, as for "doesn't fit".
   */
  doorDidNotOpen(
    operationId: number,
    returnId: string,
  ): Promise<Result<ReturnOpened, ReturnError>> {
    return this.ctx.queue.run(async () => {
      const op = getDoorOperation(this.ctx.db, operationId);
      if (!op || op.kind !== 'return_deposit' || op.returnId !== returnId)
        return err({ reason: 'no_such_return_deposit' });
      const compartment = getCompartment(this.ctx.db, op.compartmentId)!;
      const said = await this.doors.didNotOpen(op, compartment, customer);
      if (!said.ok) return err(said.error);
      if (said.value === 'reopened') return ok(this.describe(op));
      return this.reserveAndUnlock(
        getReturn(this.ctx.db, returnId)!,
        { atLeast: compartment.size },
        new Set([compartment.id]),
      );
    });
  }

  private describe(op: DoorOperation): ReturnOpened {
    const size = getCompartment(this.ctx.db, op.compartmentId)!.size;
    return {
      operationId: op.id,
      returnId: op.returnId!,
      reference: returnReference(op.returnId!),
      compartmentId: op.compartmentId,
      size,
    };
  }

  private async reserveAndUnlock(
    ret: ReturnParcel,
    sizes: { atLeast?: Size; largerThan?: Size },
    tried: Set<string>,
  ): Promise<Result<ReturnOpened, ReturnError>> {
    for (let attempt = 0; attempt < MAX_DOOR_ATTEMPTS; attempt++) {
      // Not once the return has lost its share of doors to jams: then the locker has a fault.
      if (!mayOpenAnotherDoor(this.jams.get(ret.id) ?? [], this.ctx.clock.now()))
        return err({ reason: 'door_failed' });
      const reserved = this.reserve(ret, sizes, tried);
      if (!reserved.ok) return attempt === 0 ? reserved : err({ reason: 'door_failed' });
      const outcome = await this.doors.unlock(reserved.value);
      if (outcome.kind === 'pulsed') return ok(this.describe(reserved.value));
      const uncertain = doorUncertainty(outcome, reserved.value.compartmentId);
      if (uncertain) return err(uncertain); // never a second door while the first is unknown
      tried.add(reserved.value.compartmentId);
    }
    return err({ reason: 'door_failed' });
  }

  private reserve(
    ret: ReturnParcel,
    sizes: { atLeast?: Size; largerThan?: Size },
    exclude: Set<string>,
  ): Result<DoorOperation, ReturnError> {
    const { db } = this.ctx;
    return db.transaction((): Result<DoorOperation, ReturnError> => {
      const compartments = allocationCandidates(db);
      // A return is known only by its size.
      const dimensions = nominalDimensions(sizes.atLeast ?? 'S', compartments);
      const choice = reserveCompartment(db, {
        parcel: { dimensions, weightG: 0, accessible: false },
        compartments,
        expected: [],
        exclude,
        ...(sizes.largerThan ? { largerThan: sizes.largerThan } : {}),
      });
      if (!choice.ok) return choice;
      const compartment = choice.value;
      const op = this.doors.record('return_deposit', compartment.id, {
        returnId: ret.id,
        actor: actorName(customer),
      });
      this.ctx.audit.append('return.reserved', { returnId: ret.id, compartmentId: compartment.id });
      return ok(op);
    })();
  }

  private doorClosed(op: DoorOperation, itemPresent: boolean | null): void {
    if (itemPresent === false) return this.release(op, 'no_item');
    const { db, clock } = this.ctx;
    const ret = getReturn(db, op.returnId!)!;
    const next = returnTransition(ret.state, 'deposit');
    const compartment = getCompartment(db, op.compartmentId)!;
    const slot = commitInto(compartment.state);
    if (!next.ok || !slot.ok)
      throw new Error(`return commit from ${ret.state}/${compartment.state}`);
    const now = clock.now();
    saveReturn(db, { ...ret, state: next.value, compartmentId: compartment.id, depositedAt: now });
    setCompartmentState(db, compartment.id, slot.value);
    markCompartmentUsed(db, compartment.id, now);
    this.ctx.audit.append('return.deposited', { returnId: ret.id, compartmentId: compartment.id });
  }

  private release(op: DoorOperation, reason: Parameters<Doors['abandon']>[1]): void {
    if (reason === 'door_failed') {
      const now = this.ctx.clock.now();
      const recent = (this.jams.get(op.returnId!) ?? []).filter((at) => now - at < JAM_MEMORY_MS);
      this.jams.set(op.returnId!, [...recent, now]);
    }
    const compartment = getCompartment(this.ctx.db, op.compartmentId)!;
    const next = compartmentTransition(compartment.state, 'release');
    if (next.ok) setCompartmentState(this.ctx.db, compartment.id, next.value);
    this.ctx.audit.append('return.released', {
      returnId: op.returnId!,
      compartmentId: op.compartmentId,
      reason,
    });
  }
}
