/**
 * The life of a door operation (DESIGN §3): recorded → pulsed → opened → closed → settled, plus
 * one more outcome, unknown, that ends in inspection. A board's answer is a fact only when it
 * unlocked or refused; anything else is "no usable answer", and only a fresh reading of the
 * door decides. Pure rules: services/doors.ts keeps the record and applies each decision.
 */
import type { DoorOperationKind } from '../../shared/domain';
import type { LockBoardFailure } from './lockBoard';

export type DoorPhase =
  /** The durable why is written; a pulse may be on its way (after a crash: may have fired). */
  | 'recorded'
  /** The latch was pulsed (the board acknowledged, or the door was then seen open). */
  | 'pulsed'
  /** No usable answer and the board could not be read: kept, its compartment in inspection. */
  | 'unknown'
  /** The door was sensed open; the operation ends when it closes. */
  | 'opened'
  /** Closed after "doesn't fit" on a board without IR: the person must say whether it is empty. */
  | 'awaiting_confirmation';

/** What the board's answer to an unlock tells. */
export type UnlockAnswer =
  /** The board acknowledged the pulse. */
  | 'acknowledged'
  /** The board (or the driver) refused: the latch did not release. A fact. */
  | 'refused'
  /** The bus was down: nothing was written, nothing pulsed. A fact. */
  | 'not_sent'
  /** Timeout, garbled or cut off: the latch may or may not have fired. Not a fact. */
  | 'no_answer';

export function classifyUnlock(failure: LockBoardFailure | null): UnlockAnswer {
  switch (failure) {
    case null:
      return 'acknowledged';
    case 'no_such_lock':
    case 'jammed':
      return 'refused';
    case 'disconnected':
      return 'not_sent';
    case 'timeout':
    case 'bad_reply':
    case 'interrupted':
      return 'no_answer';
  }
}

/** A fresh reading of one door; null when the board could not be read. */
export interface DoorReading {
  doorOpen: boolean;
  itemPresent: boolean | null;
}

export type UnlockStep =
  /** Acknowledged: wait for the door to be sensed open (at once if it already reads open). */
  | { next: 'pulsed' }
  /** No answer, but the door reads open: the pulse fired. */
  | { next: 'opened' }
  /** No answer and the door reads shut: let the solenoid cool down, read again, pulse once more. */
  | { next: 'cool_down' }
  /** Known not to have opened: the operation ends and the compartment is taken out of service. */
  | { next: 'failed'; failure: string }
  /** Nothing was pulsed because the bus is down: the operation ends, the compartment is fine. */
  | { next: 'not_sent' }
  /** Nobody can tell: keep the operation, put the compartment in inspection, pulse nothing else. */
  | { next: 'unknown' };

/** How many pulses one request may give a door: the first, and one retry after the cool-down. */
export const MAX_PULSES = 2;

/**
 * What to do after pulse number `attempt` (1-based) got `answer`; `reading` is the door read
 * right after a `no_answer` (null: unreadable).
 */
export function decideAfterUnlock(
  answer: UnlockAnswer,
  attempt: number,
  reading?: DoorReading | null,
  failure?: LockBoardFailure,
): UnlockStep {
  if (answer === 'acknowledged') return { next: 'pulsed' };
  if (answer === 'refused') return { next: 'failed', failure: failure ?? 'refused' };
  // (A retry that could not be sent follows a first pulse whose door was read shut twice.)
  if (answer === 'not_sent') return { next: 'not_sent' };
  if (reading === undefined || reading === null) return { next: 'unknown' };
  if (reading.doorOpen) return { next: 'opened' };
  return attempt < MAX_PULSES ? { next: 'cool_down' } : { next: 'failed', failure: 'no_answer' };
}

/**
 * What to make of an operation whose door nobody watched for a while (after a restart, or when
 * a board that could not be read answers again), from a fresh reading of its door.
 */
export type SettleDecision =
  /** The door stands open: the operation goes on and ends when it closes. */
  | 'resume'
  /** The door opened and shut (or the item sensor says it did what it was for): record it. */
  | 'complete'
  /** Nothing happened (the door never opened, or the item says so): end without effect. */
  | 'abandon'
  /** Nobody can know: end it and keep the compartment out of service until staff look. */
  | 'inspect'
  /** Still unreadable: decide later. */
  | 'defer';

export interface UnwatchedDoor {
  phase: DoorPhase;
  /** null: the board could not be read. */
  doorOpen: boolean | null;
  itemPresent: boolean | null;
}

export function settleUnwatched(kind: DoorOperationKind, door: UnwatchedDoor): SettleDecision {
  if (door.doorOpen === null) return 'defer';
  if (door.doorOpen) return 'resume';
  if (door.phase === 'awaiting_confirmation') return 'resume'; // still the person's word to give
  if (door.phase === 'opened') return 'complete'; // the item sensor, if any, is read by `complete`
  // Shut, and never seen open: the pulse may have fired while nobody watched.
  if (kind === 'collection' || kind === 'staff_open') return 'abandon'; // they record nothing
  const putsItemIn = kind === 'deposit' || kind === 'return_deposit';
  if (door.itemPresent === null) return 'inspect';
  if (putsItemIn) return door.itemPresent ? 'complete' : 'abandon';
  return door.itemPresent ? 'abandon' : 'complete';
}

/** Time limits of a watched operation (from the policy). */
export interface DoorTimers {
  /** A pulsed door not sensed open within this is jammed. */
  openDetectMs: number;
  /** A door that stays open (or unconfirmed) this long goes to inspection. */
  backstopMs: number;
}

export type TimerDecision = 'none' | 'check_jam' | 'backstop';

export interface TimedOperation {
  phase: DoorPhase;
  /** When the operation entered its phase (recorded, pulsed, sensed open, closed unconfirmed). */
  phaseAt: number;
}

/**
 * What time alone says about an operation. Unknown operations wait for the board: time never
 * releases them. `check_jam` asks for a fresh reading before anything is concluded.
 */
export function decideOnTime(op: TimedOperation, now: number, timers: DoorTimers): TimerDecision {
  switch (op.phase) {
    case 'recorded':
    case 'pulsed':
      return now - op.phaseAt >= timers.openDetectMs ? 'check_jam' : 'none';
    case 'opened':
    case 'awaiting_confirmation':
      return now - op.phaseAt >= timers.backstopMs ? 'backstop' : 'none';
    case 'unknown':
      return 'none';
  }
}

/** A pulsed door read shut after the detection window: jammed. Open: it opened late. */
export function decideJam(reading: DoorReading | null): 'opened' | 'jammed' | 'unknown' {
  if (reading === null) return 'unknown';
  return reading.doorOpen ? 'opened' : 'jammed';
}
