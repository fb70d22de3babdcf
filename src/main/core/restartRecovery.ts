/**
 * What to make of a door operation found unfinished at start-up (DESIGN §4): its door outcome
 * is unknown, so the board's door and item sensors decide. Pure: the service applies it.
 */
import type { DoorOperationKind } from '../../shared/domain';

export type RecoveryDecision =
  /** The door stands open: keep the operation; it finishes when the door closes. */
  | 'resume'
  /** The door opened and closed: record the operation's effect. */
  | 'complete'
  /** The door never opened (or the item says nothing happened): give the operation up. */
  | 'abandon'
  /** Nobody can tell whether a parcel went in: give up and take the compartment out for a look. */
  | 'abandon_and_inspect'
  /** The board could not be read: decide later. */
  | 'defer';

export interface SensedAfterRestart {
  /** null when the board could not be read. */
  doorOpen: boolean | null;
  itemPresent: boolean | null;
  /** The operation recorded the door opening before the restart. */
  doorOpenedBefore: boolean;
}

export function decideAfterRestart(
  kind: DoorOperationKind,
  sensed: SensedAfterRestart,
): RecoveryDecision {
  if (sensed.doorOpen === null) return 'defer';
  if (sensed.doorOpen) return 'resume';
  if (kind === 'collection' || kind === 'staff_open') return 'complete';
  if (sensed.doorOpenedBefore) return 'complete'; // the item sensor, if any, is read by `complete`
  const putsItemIn = kind === 'deposit' || kind === 'return_deposit';
  if (sensed.itemPresent === null) return putsItemIn ? 'abandon_and_inspect' : 'abandon';
  // With IR: an item inside means a deposit happened and a pickup did not.
  if (putsItemIn) return sensed.itemPresent ? 'complete' : 'abandon';
  return sensed.itemPresent ? 'abandon' : 'complete';
}
