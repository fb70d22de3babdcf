/** Test fixture: a deterministic signed chain, so tamper tests start from known-good events. */
import type { KeyObject } from 'node:crypto';
import { GENESIS_HASH } from '../events';
import type { EventBody, SignedEvent } from '../events';
import { signEvent } from './eventChain';
import { privateKeyFromSeed } from './ed25519';

export const TEST_LOCKER = 'LKR-0001';

/** A key from a fixed seed byte, so tests are reproducible. */
export function testKey(seedByte: number): KeyObject {
  return privateKeyFromSeed(new Uint8Array(32).fill(seedByte));
}

export function testBody(seq: number, prevHash: string, lockerId = TEST_LOCKER): EventBody {
  const types = ['parcel.deposited', 'pickup.authorized', 'parcel.picked_up', 'door.opened'];
  return {
    v: 1,
    lockerId,
    seq,
    type: types[seq % types.length] ?? 'parcel.deposited',
    at: new Date(Date.UTC(2025, 0, 1) + seq * 61_001).toISOString(),
    payload: { parcelId: `P${seq}`, compartment: { board: 1, lock: (seq % 16) + 1 }, n: seq },
    prevHash,
  };
}

/** `count` events from `fromSeq`, each linked to the one before. */
export function buildChain(
  count: number,
  privateKey: KeyObject,
  from: { seq: number; prevHash: string } = { seq: 1, prevHash: GENESIS_HASH },
): SignedEvent[] {
  const events: SignedEvent[] = [];
  let prevHash = from.prevHash;
  for (let i = 0; i < count; i++) {
    const event = signEvent(testBody(from.seq + i, prevHash), privateKey);
    events.push(event);
    prevHash = event.hash;
  }
  return events;
}
