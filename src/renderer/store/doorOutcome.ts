/**
 * The outcome of a door decides what the screen says and in which colour: only a door that did
 * its job is green. A parcel left inside or nothing sensed is a warning (it can be put right);
 * a door that did not open is a fault. Every outcome names what to do next (its body).
 */

export type Tone = 'ok' | 'warning' | 'error';

/** A door not sensed open after this long: the screen says what to do if it stays shut. */
export const STILL_SHUT_AFTER_MS = 5_000;

export interface Outcome {
  tone: Tone;
  /** i18n keys; both take {{id}}, the door. */
  title: string;
  body: string;
}

/** A customer's door that has finished (`reason`: why it ended without its effect). */
export function customerDoorOutcome(
  purpose: 'pickup' | 'return',
  completed: boolean,
  reason: string | null,
): Outcome {
  if (completed)
    return purpose === 'return'
      ? { tone: 'ok', title: 'return.receiptTitle', body: 'return.receiptNote' }
      : { tone: 'ok', title: 'door.thanks', body: 'door.pickedUp' };
  switch (reason) {
    case 'not_taken':
      return { tone: 'warning', title: 'door.stillInside', body: 'door.notTaken' };
    case 'no_item':
      return { tone: 'warning', title: 'door.nothingSensed', body: 'door.returnReleased' };
    case 'door_failed':
      return {
        tone: 'error',
        title: 'door.failedTitle',
        body: purpose === 'return' ? 'door.failedReturn' : 'door.failedPickup',
      };
    case 'door_unknown':
    case 'inspection':
      return { tone: 'warning', title: 'door.uncertainTitle', body: 'door.inspection' };
    case 'not_sent':
      return { tone: 'error', title: 'door.notSentTitle', body: 'door.notSent' };
    case 'timeout':
      return { tone: 'warning', title: 'door.notFinished', body: 'door.timeout' };
    default:
      return {
        tone: 'warning',
        title: 'door.notFinished',
        body: purpose === 'return' ? 'door.returnReleased' : 'door.abandoned',
      };
  }
}

/** The tone of a courier's deposit line, by the door's phase and why it ended. */
export function depositTone(phase: string, reason: string | null): Tone | null {
  if (phase === 'opening' || phase === 'open') return null;
  if (phase === 'closed') return 'ok';
  return reason === 'door_failed' || reason === 'not_sent' ? 'error' : 'warning';
}
