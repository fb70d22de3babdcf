/**
 * Door operations as the person at the locker meets them: the unlock and what the board's
 * answer means, fresh readings, the board's events, settling doors nobody watched, and what
 * time says. The rules are pure (core/doorOperation.ts); what each outcome writes is in
 * DoorRecord. Everything here runs inside ctx.queue.
 */
import type { BoardState, LockBoardEvent } from '../core/lockBoard';
import {
  classifyUnlock,
  decideAfterUnlock,
  decideJam,
  decideOnTime,
  settleUnwatched,
  type DoorReading,
  type UnlockStep,
} from '../core/doorOperation';
import {
  findCompartmentByLock,
  getCompartment,
  listCompartments,
  setDoorSensed,
  type Compartment,
} from '../store/compartments';
import { didNotOpenAfterReading, didNotOpenByPhase } from '../core/doorRecovery';
import {
  countReopen,
  doorOperationFor,
  getDoorOperation,
  listDoorOperations,
  setDoorPhase,
  setInspecting,
  type DoorOperation,
} from '../store/doorOperations';
import type { DoorContradiction, DoorUncertain } from '../../shared/outcomes';
import { err, ok, type Result } from '../../shared/result';
import { actorName, type Actor } from './context';
import { DoorRecord, INSPECTION_REASON } from './doorRecord';

export type { DoorOperationHandler, AbandonReason } from './doorRecord';

type DoorWasOpen = Extract<DoorContradiction, { reason: 'door_was_open' }>;

/** What became of an unlock, as the person at the locker must be told. */
export type UnlockOutcome =
  /** The latch was pulsed: the door is open or opening. */
  | { kind: 'pulsed' }
  /** Known not to have opened: the operation ended, the compartment is out of service. */
  | { kind: 'failed'; failure: string }
  /** The bus is down, nothing was pulsed: the operation ended, the compartment is fine. */
  | { kind: 'not_sent' }
  /** Nobody can tell: the operation is kept, the compartment in inspection until the board answers. */
  | { kind: 'unknown' };

/** The answer for a person whose door could not be confirmed (null when it was pulsed or failed). */
export function doorUncertainty(
  outcome: UnlockOutcome,
  compartmentId: string,
): DoorUncertain | null {
  if (outcome.kind === 'unknown') return { reason: 'door_unknown', compartmentId };
  if (outcome.kind === 'not_sent') return { reason: 'doors_unavailable' };
  return null;
}

export class Doors extends DoorRecord {
  /** Per board, when it was last known unreadable: its doors were not watched then. */
  private readonly unwatchedAt = new Map<number, number>();

  /**
   * Pulses the door of a recorded operation and finds out what happened. No usable answer is
   * not "did not open": the door is read, and a shut door gets one more pulse after the
   * solenoid cooled down. One request never pulses any other door.
   */
  async unlock(op: DoorOperation, reopenedBy?: string): Promise<UnlockOutcome> {
    const compartment = getCompartment(this.ctx.db, op.compartmentId);
    if (!compartment) throw new Error(`operation ${op.id} on a missing compartment`);
    const address = { board: compartment.board, lock: compartment.lock };
    let last: DoorReading | null | undefined;
    for (let attempt = 1; ; attempt++) {
      const result = await this.ctx.board.unlock(address);
      const failure = result.ok ? undefined : result.error;
      const answer = classifyUnlock(failure ?? null);
      last = answer === 'no_answer' ? await this.read(compartment) : undefined;
      let step: UnlockStep = decideAfterUnlock(answer, attempt, last, failure);
      if (step.next === 'cool_down') {
        await this.ctx.sleep(this.ctx.policy.doors.solenoidCooldownMs);
        last = await this.read(compartment); // a door that sprang open late
        if (last === null) step = { next: 'unknown' };
        else if (last.doorOpen) step = { next: 'opened' };
        else continue;
      }
      return this.apply(op, step, attempt, failure ?? null, last ?? null, reopenedBy);
    }
  }

  private apply(
    op: DoorOperation,
    step: Exclude<UnlockStep, { next: 'cool_down' }>,
    attempt: number,
    failure: string | null,
    reading: DoorReading | null,
    reopenedBy: string | undefined,
  ): UnlockOutcome {
    switch (step.next) {
      case 'pulsed':
        this.pulsed(op, attempt, true, null, reopenedBy);
        return { kind: 'pulsed' };
      case 'opened':
        this.pulsed(op, attempt, false, reading, reopenedBy);
        return { kind: 'pulsed' };
      case 'failed':
        this.ctx.log.warn({ compartment: op.compartmentId, failure: step.failure }, 'door failed');
        this.fail(op.id, step.failure);
        return { kind: 'failed', failure: step.failure };
      case 'not_sent':
        this.abandon(op, 'not_sent');
        return { kind: 'not_sent' };
      case 'unknown':
        this.toUnknown(op.id, failure ?? 'unreadable');
        return { kind: 'unknown' };
    }
  }

  /**
   * A person says the door did not open (core/doorRecovery.ts). Refused once it was seen open,
   * and while its outcome is unknown. Otherwise a fresh reading decides: open, it is recorded
   * open; unreadable, unknown; shut, the door gets its one reopen, and after that it is jammed
   * (the operation fails, the compartment goes out of service).
   */
  async didNotOpen(
    op: DoorOperation,
    compartment: Compartment,
    by: Actor,
  ): Promise<Result<'reopened' | 'jammed', DoorUncertain | DoorWasOpen>> {
    const id = compartment.id;
    const byPhase = didNotOpenByPhase(op.phase);
    if (byPhase === 'unknown') return err({ reason: 'door_unknown', compartmentId: id });
    if (byPhase === 'was_open') return err({ reason: 'door_was_open', compartmentId: id });
    const reading = await this.read(compartment);
    switch (didNotOpenAfterReading(reading, op.reopens)) {
      case 'unknown':
        this.toUnknown(op.id, 'unreadable');
        return err({ reason: 'door_unknown', compartmentId: id });
      case 'was_open':
        this.ctx.db.transaction(() => {
          setDoorSensed(this.ctx.db, id, true, reading!.itemPresent);
          this.opened(op.id);
        })();
        return err({ reason: 'door_was_open', compartmentId: id });
      case 'reopen':
        return this.reopen(op, actorName(by));
      case 'jammed':
        this.fail(op.id, by.role === 'customer' ? 'reported_by_customer' : 'reported_by_courier');
        return ok('jammed');
    }
  }

  /**
   * The one extra pulse of the same door: counted before it is sent (a crash cannot hand out a
   * second), and its lock.pulsed event names who asked.
   */
  private async reopen(
    op: DoorOperation,
    by: string,
  ): Promise<Result<'reopened' | 'jammed', DoorUncertain>> {
    countReopen(this.ctx.db, op.id);
    const outcome = await this.unlock({ ...op, reopens: op.reopens + 1 }, by);
    if (outcome.kind === 'pulsed') return ok('reopened');
    if (outcome.kind === 'failed') return ok('jammed');
    return err(doorUncertainty(outcome, op.compartmentId)!);
  }

  /** A fresh reading of one door, or null (and the board marked unwatched) when unreadable. */
  async read(compartment: Compartment): Promise<DoorReading | null> {
    const state = await this.ctx.board.queryBoard(compartment.board);
    const lock = state.ok ? state.value.locks.find((l) => l.lock === compartment.lock) : undefined;
    if (!lock) {
      this.unwatchedAt.set(compartment.board, this.ctx.clock.now());
      return null;
    }
    return { doorOpen: !lock.locked, itemPresent: lock.itemPresent };
  }

  /** Door and item changes from the board's polling, and its readings after a fault. */
  async onBoardEvent(event: LockBoardEvent): Promise<void> {
    switch (event.type) {
      case 'fault':
        this.ctx.db.transaction(() =>
          this.ctx.audit.append('hardware.fault', { reason: event.reason }),
        )();
        for (const c of listCompartments(this.ctx.db))
          this.unwatchedAt.set(c.board, this.ctx.clock.now());
        return;
      case 'unreadable':
        // Its doors are not watched from now until its next baseline.
        this.unwatchedAt.set(event.board, this.ctx.clock.now());
        return;
      case 'recovered':
        this.ctx.db.transaction(() => this.ctx.audit.append('hardware.recovered', {}))();
        return;
      case 'baseline':
        this.unwatchedAt.set(event.state.board, this.ctx.clock.now());
        this.settleBoard(event.state.board, event.state, 'baseline');
        return;
      case 'item':
        return this.itemSensed(event.board, event.lock, event.present);
      case 'door': {
        const compartment = findCompartmentByLock(this.ctx.db, event.board, event.lock);
        if (!compartment) return; // a lock no compartment is wired to
        const open = !event.locked;
        if (open === compartment.doorOpen) return;
        if (open) this.doorOpened(compartment);
        else await this.doorClosed(compartment);
      }
    }
  }

  private itemSensed(board: number, lock: number, present: boolean): void {
    const { db } = this.ctx;
    db.transaction(() => {
      const compartment = findCompartmentByLock(db, board, lock);
      if (!compartment) return;
      setDoorSensed(db, compartment.id, compartment.doorOpen, present);
      if (present) this.foreignItemCheck({ ...compartment, itemPresent: true });
    })();
  }

  private doorOpened(compartment: Compartment): void {
    const { db } = this.ctx;
    db.transaction(() => {
      setDoorSensed(db, compartment.id, true, compartment.itemPresent);
      const op = doorOperationFor(db, compartment.id);
      if (op) return this.opened(op.id);
      // Nothing asked for this door: forced, a latch that gave way, a broken sensor.
      this.ctx.audit.append('door.opened_unexpectedly', {
        compartmentId: compartment.id,
        state: compartment.state,
      });
    })();
  }

  private async doorClosed(compartment: Compartment): Promise<void> {
    // Read the item sensor now rather than trusting the order in which polling reported changes.
    const fresh = await this.read(compartment);
    const itemPresent = fresh ? fresh.itemPresent : compartment.itemPresent;
    this.ctx.db.transaction(() => {
      setDoorSensed(this.ctx.db, compartment.id, false, itemPresent);
      const op = doorOperationFor(this.ctx.db, compartment.id);
      if (!op) {
        this.ctx.audit.append('door.closed_unexpectedly', {
          compartmentId: compartment.id,
          state: compartment.state,
        });
        return this.foreignItemCheck({ ...compartment, itemPresent });
      }
      if (op.phase === 'opened') return this.closedAfterOpen(op, itemPresent);
      // Shut again before anyone saw it open (it opened before the operation, or unwatched).
      this.settle(op, settleUnwatched(op.kind, { phase: op.phase, doorOpen: false, itemPresent }), {
        doorOpen: false,
        itemPresent,
      });
    })();
  }

  /**
   * Facts of this board's doors were lost (they could not be written: a full disk). Its doors
   * count as unwatched until now, as after a board that could not be read, and its reading, if
   * there is one, settles what it can; a pulsed door read shut is left to the jam check, which
   * now asks the item sensor rather than calling it jammed.
   */
  factsLost(board: number, state: BoardState | null): void {
    this.unwatchedAt.set(board, this.ctx.clock.now());
    if (state) this.settleBoard(board, state, 'baseline');
  }

  /**
   * Settles what a board's reading says: at start-up (every operation went unwatched) and on a
   * board's first good reading after it could not be read. Each compartment in its own
   * transaction: one that fails to settle goes to inspection and blocks nothing else.
   */
  settleBoard(board: number, state: BoardState | null, when: 'start' | 'baseline'): number {
    const { db } = this.ctx;
    let settled = 0;
    for (const compartment of listCompartments(db).filter((c) => c.board === board)) {
      const lock = state?.locks.find((l) => l.lock === compartment.lock);
      const reading: DoorReading | null = lock
        ? { doorOpen: !lock.locked, itemPresent: lock.itemPresent }
        : null;
      try {
        db.transaction(() => {
          if (this.settleCompartment(compartment, reading, when)) settled++;
        })();
      } catch (error) {
        this.ctx.log.error({ err: error, compartment: compartment.id }, 'settling failed');
        this.inspectAfterError(compartment.id);
      }
    }
    return settled;
  }

  /** Inside a transaction. Returns whether an operation was settled. */
  private settleCompartment(
    compartment: Compartment,
    reading: DoorReading | null,
    when: 'start' | 'baseline',
  ): boolean {
    const { db } = this.ctx;
    const wasOpen = compartment.doorOpen;
    setDoorSensed(db, compartment.id, reading?.doorOpen ?? null, reading?.itemPresent ?? null);
    const op = doorOperationFor(db, compartment.id);
    if (!op) {
      if (reading?.doorOpen && wasOpen === false)
        this.ctx.audit.append('door.opened_unexpectedly', {
          compartmentId: compartment.id,
          state: compartment.state,
        });
      if (reading) this.foreignItemCheck({ ...compartment, itemPresent: reading.itemPresent });
      return false;
    }
    // While the locker runs, a pulsed door read shut was watched until the board went quiet:
    // the jam check (onTime) decides it, knowing the board was unwatched since.
    if (when === 'baseline' && reading?.doorOpen === false && op.phase === 'pulsed') return false;
    const decision = settleUnwatched(op.kind, {
      phase: op.phase,
      doorOpen: reading?.doorOpen ?? null,
      itemPresent: reading?.itemPresent ?? null,
    });
    if (decision === 'defer') {
      // Kept for the board's first good reading; a door seen open stays known to have opened.
      if (op.phase === 'recorded' || op.phase === 'pulsed')
        setDoorPhase(db, op.id, 'unknown', this.ctx.clock.now());
      if (this.takeOutOfService(op.compartmentId, INSPECTION_REASON, 'system:reconcile'))
        setInspecting(db, op.id, true);
      return false;
    }
    this.ctx.audit.append('reconcile.resolved', {
      compartmentId: op.compartmentId,
      operation: op.kind,
      operationId: op.id,
      outcome: decision,
      doorOpen: reading!.doorOpen,
      itemPresent: reading!.itemPresent,
    });
    this.settle(op, decision, reading!);
    return true;
  }

  /** A compartment whose settling threw: whatever operation it had ends in inspection. */
  private inspectAfterError(compartmentId: string): void {
    try {
      this.ctx.db.transaction(() => {
        const op = doorOperationFor(this.ctx.db, compartmentId);
        if (op) this.inspect(op, 'could not be settled');
        else this.takeOutOfService(compartmentId, 'inspection: could not be settled', 'system');
      })();
    } catch (error) {
      this.ctx.log.error({ err: error, compartmentId }, 'could not even send it to inspection');
    }
  }

  /**
   * What time says: pulsed doors not seen open within the detection window are read afresh
   * (open: it opened late; shut: jammed); doors open past the backstop go to inspection.
   */
  async onTime(): Promise<void> {
    const now = this.ctx.clock.now();
    const timers = {
      openDetectMs: this.ctx.policy.doors.openDetectSec * 1000,
      backstopMs: this.ctx.policy.doors.openBackstopSec * 1000,
    };
    for (const op of listDoorOperations(this.ctx.db)) {
      const decision = decideOnTime(op, now, timers);
      if (decision === 'check_jam') await this.checkJam(op);
      else if (decision === 'backstop') await this.backstop(op);
    }
  }

  private async checkJam(op: DoorOperation): Promise<void> {
    const compartment = getCompartment(this.ctx.db, op.compartmentId)!;
    const reading = await this.read(compartment);
    const verdict = decideJam(reading);
    if (verdict === 'unknown') return this.toUnknown(op.id, 'unreadable');
    const unwatched = (this.unwatchedAt.get(compartment.board) ?? -Infinity) >= op.phaseAt;
    this.ctx.db.transaction(() => {
      const current = getDoorOperation(this.ctx.db, op.id);
      if (!current || current.phase === 'opened') return;
      setDoorSensed(this.ctx.db, compartment.id, reading!.doorOpen, reading!.itemPresent);
      if (verdict === 'opened') return this.opened(op.id);
      // Shut now, but the board went unreadable since the pulse: it may have opened and shut.
      if (unwatched) {
        const decision = settleUnwatched(op.kind, { ...reading!, phase: 'unknown' });
        return this.settle(current, decision, reading!);
      }
    })();
    if (verdict === 'jammed' && !unwatched) this.fail(op.id, 'not_opened');
  }

  private async backstop(op: DoorOperation): Promise<void> {
    const compartment = getCompartment(this.ctx.db, op.compartmentId)!;
    const reading = await this.read(compartment);
    this.ctx.db.transaction(() => {
      const current = getDoorOperation(this.ctx.db, op.id);
      if (!current) return;
      // A "doesn't fit" door left unconfirmed: the item sensor, where present, can still say.
      if (current.phase === 'awaiting_confirmation' && reading?.itemPresent === false)
        return this.end(current, 'doesnt_fit');
      if (current.phase === 'awaiting_confirmation' && reading?.itemPresent === true)
        return this.complete(current, true);
      this.inspect(
        current,
        current.phase === 'opened' ? 'door left open' : `${op.kind} not confirmed`,
      );
    })();
  }
}
