/**
 * What a person's "door didn't open" leads to (issue 11). The door is read first: open, it is
 * believed open; shut, it gets one more pulse of its own (the reopen, audited); shut again after
 * that, it is jammed and out of service. A deposit or return then gets another door, but only
 * while the item has not already lost doors to jams: two jammed doors in a row mean the locker
 * has a fault, and opening more would only take more compartments out of service.
 */
import type { DoorPhase, DoorReading } from './doorOperation';

/** Reopens of the same door one operation may have. */
export const MAX_REOPENS = 1;
/** Doors one parcel or return may lose to jams before no further door is opened for it. */
export const MAX_JAMMED_DOORS = 2;
/** How long a jam counts against the parcel or return (a repaired locker starts afresh). */
export const JAM_MEMORY_MS = 30 * 60_000;

export type DidNotOpenStep =
  /** The outcome is unknown: nothing is pulsed until the board answers. */
  | 'unknown'
  /** The door was seen open, or reads open now: believed open. */
  | 'was_open'
  /** The door reads shut and has its reopen left: pulse it once more. */
  | 'reopen'
  /** Shut after its reopen: jammed. */
  | 'jammed';

/** Before any reading: what the operation's phase alone already says. */
export function didNotOpenByPhase(phase: DoorPhase): DidNotOpenStep | 'read' {
  if (phase === 'unknown') return 'unknown';
  if (phase === 'opened' || phase === 'awaiting_confirmation') return 'was_open';
  return 'read';
}

/** After a fresh reading of the door (null: unreadable). */
export function didNotOpenAfterReading(
  reading: DoorReading | null,
  reopensSoFar: number,
): DidNotOpenStep {
  if (reading === null) return 'unknown';
  if (reading.doorOpen) return 'was_open';
  return reopensSoFar < MAX_REOPENS ? 'reopen' : 'jammed';
}

/** May another door be opened for an item whose doors jammed at `jamTimes` (epoch ms)? */
export function mayOpenAnotherDoor(jamTimes: readonly number[], now: number): boolean {
  return jamTimes.filter((at) => now - at < JAM_MEMORY_MS).length < MAX_JAMMED_DOORS;
}
