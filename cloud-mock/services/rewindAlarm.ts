/**
 * Recognises a unit's `cloud.rewind_unservable` event that arrives behind a gap it says can
 * never be filled (the cloud was restored from a backup older than what the unit still holds):
 * its own hash and device signature are checked, since the chain cannot link it yet.
 */
import type { KeyObject } from 'node:crypto';
import type { SignedEvent } from '../../src/shared/events';
import { ChainVerifier } from '../../src/shared/node/eventChain';

/** A sentence for the audit view when `event` is a genuine alarm, else null. */
export function unservableRewind(event: SignedEvent, deviceKey: KeyObject): string | null {
  if (event.type !== 'cloud.rewind_unservable') return null;
  const alone = new ChainVerifier(deviceKey, {
    seq: event.seq,
    prevHash: event.prevHash,
    lockerId: event.lockerId,
  });
  if (!alone.push(event).ok) return null;
  const p = event.payload;
  return (
    `the unit pruned seqs up to ${String(p['checkpointSeq'])} the cloud lacks from ` +
    `${String(p['askedFromSeq'])}; it holds from ${String(p['oldestHeldSeq'])} ` +
    `(checkpoint hash ${String(p['checkpointHash'])})`
  );
}
