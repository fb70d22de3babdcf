/**
 * What the cloud checks in an event that arrives ahead of a gap, before holding it: its own
 * hash and device signature (the chain cannot link it yet), so a forgery cannot take a genuine
 * event's place; and whether it is the unit's `cloud.rewind_unservable` alarm, which says the
 * gap can never be filled (the cloud was restored from a backup older than what it holds).
 */
import type { KeyObject } from 'node:crypto';
import type { SignedEvent } from '../../src/shared/events';
import { ChainVerifier, type LinkProof } from '../../src/shared/node/eventChain';

/**
 * Null when the device key signed this event as it stands, else why not (`proof`: its hash and
 * signature checked ahead, e.g. on a worker thread).
 */
export function heldEventProblem(
  event: SignedEvent,
  deviceKey: KeyObject,
  proof?: LinkProof,
): string | null {
  const alone = new ChainVerifier(deviceKey, {
    seq: event.seq,
    prevHash: event.prevHash,
    lockerId: event.lockerId,
  });
  const pushed = alone.pushParsed(event, proof);
  return pushed.ok ? null : `${pushed.reason}: ${pushed.detail}`;
}

/** A sentence for the audit view when a verified held event is the unit's alarm, else null. */
export function unservableRewind(event: SignedEvent): string | null {
  if (event.type !== 'cloud.rewind_unservable') return null;
  const p = event.payload;
  return (
    `the unit pruned seqs up to ${String(p['checkpointSeq'])} the cloud lacks from ` +
    `${String(p['askedFromSeq'])}; it holds from ${String(p['oldestHeldSeq'])} ` +
    `(checkpoint hash ${String(p['checkpointHash'])})`
  );
}
