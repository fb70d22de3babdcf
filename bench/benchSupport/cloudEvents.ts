/**
 * Bench support: what a locker unit sends the cloud — signed event chains, trivial (door open
 * and shut again) or of real operations (couriers depositing parcels, customers picking them up,
 * with their doors), packed into event batches the way the kiosk packs its outbox (as many as
 * fit in one MQTT message) — and the Ed25519 verify rate of one core, the ceiling of ingest.
 */
import { createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { SignedEvent } from '../../src/shared/events';
import { canonicalBody } from '../../src/shared/node/eventChain';
import { MAX_MESSAGE_BYTES } from '../../src/shared/protocol/topics';
import type { CompartmentSpec } from '../../src/shared/rest/schemas';
import type { DeviceChain } from '../../cloud-mock/testSupport/device';

export type ChainKind = 'trivial' | 'operations';

/** `count` events of real operations on the locker's compartments, each parcel in its own. */
export function operationsChain(
  chain: DeviceChain,
  layout: readonly CompartmentSpec[],
  count: number,
): SignedEvent[] {
  const events: SignedEvent[] = [];
  // About half the compartments hold a parcel at any time: parcel k is picked up after k + held.
  const held = Math.max(1, Math.floor(layout.length / 2));
  let operationId = 0;
  const door = (compartmentId: string, operation: 'deposit' | 'pickup') => {
    operationId += 1;
    const fact = { compartmentId, operation, operationId };
    events.push(chain.next('lock.pulsed', { ...fact, attempt: 1, acknowledged: true }));
    events.push(chain.next('door.opened', fact));
    events.push(chain.next('door.closed', fact));
  };
  for (let k = 0; events.length < count; k++) {
    const c = layout[k % layout.length]!;
    const parcelId = `${chain.lockerId}-P${k}`;
    const trackingBarcode = `TRK${chain.lockerId}${String(k).padStart(8, '0')}`;
    events.push(
      chain.next('deposit.reserved', {
        parcelId,
        trackingBarcode,
        compartmentId: c.id,
        size: c.size,
        courier: 'courier-7',
        announced: false,
      }),
    );
    door(c.id, 'deposit');
    events.push(
      chain.next('parcel.deposited', {
        parcelId,
        trackingBarcode,
        compartmentId: c.id,
        courier: 'courier-7',
        expiresAt: new Date(Date.UTC(2025, 5, 10)).toISOString(),
        announced: false,
      }),
    );
    if (k < held) continue;
    const out = k - held;
    const from = layout[out % layout.length]!.id;
    const parcel = `${chain.lockerId}-P${out}`;
    events.push(
      chain.next('pickup.authorized', { parcelId: parcel, compartmentId: from, method: 'code' }),
    );
    door(from, 'pickup');
    events.push(chain.next('parcel.picked_up', { parcelId: parcel, compartmentId: from }));
  }
  return events.slice(0, count);
}

export function buildChain(
  kind: ChainKind,
  chain: DeviceChain,
  layout: readonly CompartmentSpec[],
  count: number,
): SignedEvent[] {
  return kind === 'trivial' ? chain.filler(count) : operationsChain(chain, layout, count);
}

const HEAD = '{"v":1,"events":[';
const TAIL = ']}';

/** The events as EventBatch messages of at most MAX_MESSAGE_BYTES each, in seq order. */
export function packBatches(events: readonly SignedEvent[]): string[] {
  const batches: string[] = [];
  let parts: string[] = [];
  let bytes = HEAD.length + TAIL.length;
  for (const e of events) {
    const json = JSON.stringify(e);
    const size = Buffer.byteLength(json) + 1;
    if (parts.length > 0 && bytes + size > MAX_MESSAGE_BYTES) {
      batches.push(HEAD + parts.join(',') + TAIL);
      parts = [];
      bytes = HEAD.length + TAIL.length;
    }
    parts.push(json);
    bytes += size;
  }
  if (parts.length > 0) batches.push(HEAD + parts.join(',') + TAIL);
  return batches;
}

/**
 * Ed25519 verifies per second on this thread with node:crypto, over the canonical bodies of
 * real events (what the cloud checks), for `ms` milliseconds.
 */
export function verifyRate(events: readonly SignedEvent[], key: KeyObject, ms = 1000): number {
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  const signed = events.slice(0, 256).map((e) => ({
    data: Buffer.from(canonicalBody(e), 'utf8'),
    sig: Buffer.from(e.sig, 'base64url'),
  }));
  let n = 0;
  const started = performance.now();
  while (performance.now() - started < ms) {
    const s = signed[n % signed.length]!;
    if (!verify(null, s.data, publicKey, s.sig)) throw new Error('a bench event does not verify');
    n += 1;
  }
  return n / ((performance.now() - started) / 1000);
}
