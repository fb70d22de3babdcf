import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EventBatchSchema } from '../../shared/protocol/messages';
import { canonicalJson } from '../../shared/node/canonicalJson';
import { signDetached } from '../../shared/node/ed25519';
import { startFixture } from '../services/testSupport/kioskFixture';
import { openDatabase } from '../store/database';
import { listEvents } from '../store/events';
import {
  isCommandProcessed,
  markCommandProcessed,
  pruneProcessedCommands,
} from '../store/processedCommands';
import { backoffDelay } from './backoff';
import { checkCommand } from './commandCheck';
import { nextBatch } from './eventBatches';
import { TokenBucket } from './tokenBucket';
import { appendBacklog } from './testSupport/kioskActions';

describe('backoff', () => {
  it('doubles up to the cap, with jitter between half the step and the step', () => {
    const policy = { initialMs: 1000, maxMs: 8000, factor: 2 };
    expect([0, 1, 2, 3, 9].map((a) => backoffDelay(a, policy, () => 0))).toEqual([
      500, 1000, 2000, 4000, 4000,
    ]);
    expect([0, 1, 2, 3, 9].map((a) => backoffDelay(a, policy, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 8000,
    ]);
  });
});

describe('token bucket', () => {
  it('allows the burst, then one take per 1/rate seconds', () => {
    let t = 0;
    const bucket = new TokenBucket(10, 2, () => t);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, false]);
    expect(bucket.msUntilToken()).toBe(100);
    t += 100;
    expect([bucket.tryTake(), bucket.tryTake()]).toEqual([true, false]);
    t += 10_000;
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, false]);
  });
});

describe('event batches', () => {
  it('packs a seq-ordered prefix under the byte limit that parses as an EventBatch', async () => {
    const f = await startFixture();
    appendBacklog(f, 50, 500);
    const events = listEvents(f.db);
    const batch = nextBatch(events, 4096)!;
    expect(Buffer.byteLength(batch.json)).toBe(batch.bytes);
    expect(batch.bytes).toBeLessThanOrEqual(4096);
    const parsed = EventBatchSchema.parse(JSON.parse(batch.json));
    expect(parsed.events.map((e) => e.seq)).toEqual(events.slice(0, batch.count).map((e) => e.seq));
    // One more event would not have fitted.
    const next = nextBatch(events.slice(0, batch.count + 1), 1_000_000)!;
    expect(next.bytes).toBeGreaterThan(4096);
    expect(nextBatch([], 4096)).toBeNull();
  });
});

describe('command check', () => {
  const cloud = generateKeyPairSync('ed25519');
  const now = Date.parse('2026-01-01T00:00:00.000Z');
  const sign = (body: Record<string, unknown>) => ({
    ...body,
    sig: signDetached(canonicalJson(body), cloud.privateKey),
  });
  const body = (over: Record<string, unknown> = {}) => ({
    v: 1,
    id: randomUUID(),
    lockerId: 'l-1',
    issuedAt: new Date(now).toISOString(),
    type: 'parcel.cancel',
    payload: { parcelId: 'p1' },
    ...over,
  });
  const check = (msg: unknown) =>
    checkCommand(Buffer.from(JSON.stringify(msg)), {
      lockerId: 'l-1',
      cloudKey: cloud.publicKey,
      now,
      windowMs: 86_400_000,
    });

  it('accepts a signed command and refuses each kind of bad one with its reason', () => {
    expect(check(sign(body()))).toMatchObject({ ok: true, skewMs: 0 });
    expect(check({ ...sign(body()), payload: { parcelId: 'p2' } })).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    expect(check(sign(body({ lockerId: 'l-2' })))).toMatchObject({
      ok: false,
      reason: 'wrong_locker',
      signed: true,
    });
    expect(check(sign(body({ issuedAt: new Date(now - 86_400_001).toISOString() })))).toMatchObject(
      { reason: 'expired' },
    );
    expect(check(sign(body({ issuedAt: new Date(now + 86_400_001).toISOString() })))).toMatchObject(
      { reason: 'not_yet_valid' },
    );
    expect(check(sign(body({ payload: { parcelId: '' } })))).toMatchObject({
      reason: 'invalid_payload',
    });
    const unknownType = check(sign(body({ type: 'door.explode' })));
    expect(unknownType).toMatchObject({ ok: false, reason: 'invalid_schema' });
    expect('id' in unknownType).toBe(false); // no known type: cannot be answered
    expect(
      checkCommand(Buffer.from('{'), {
        lockerId: 'l-1',
        cloudKey: cloud.publicKey,
        now,
        windowMs: 1,
      }),
    ).toMatchObject({
      reason: 'malformed_json',
    });
  });
});

describe('processed commands (migration 002)', () => {
  it('records an id once, and prunes by issue time', () => {
    const db = openDatabase(':memory:');
    const c = { id: 'a', type: 'parcel.cancel', issuedAt: 1000, receivedAt: 2000 };
    expect(markCommandProcessed(db, c)).toBe(true);
    expect(markCommandProcessed(db, c)).toBe(false);
    expect(isCommandProcessed(db, 'a')).toBe(true);
    expect(pruneProcessedCommands(db, 1001)).toBe(1);
    expect(isCommandProcessed(db, 'a')).toBe(false);
  });
});
