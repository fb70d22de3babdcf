import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventBatchSchema } from '../../shared/protocol/messages';
import { canonicalJson } from '../../shared/node/canonicalJson';
import { signDetached } from '../../shared/node/ed25519';
import { startFixture } from '../services/testSupport/kioskFixture';
import { openDatabase } from '../store/database';
import { listEvents } from '../store/events';
import { migrations } from '../store/migrations';
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
  const MIN = 60_000;
  const sign = (body: Record<string, unknown>) => ({
    ...body,
    sig: signDetached(canonicalJson(body), cloud.privateKey),
  });
  const at = (ms: number) => new Date(ms).toISOString();
  const body = (over: Record<string, unknown> = {}) => ({
    v: 1,
    id: randomUUID(),
    lockerId: 'l-1',
    issuedAt: at(now),
    notAfter: at(now + 5 * MIN),
    type: 'parcel.cancel',
    payload: { parcelId: 'p1' },
    ...over,
  });
  const check = (msg: unknown, o: { now?: number; floor?: number } = {}) =>
    checkCommand(Buffer.from(JSON.stringify(msg)), {
      lockerId: 'l-1',
      cloudKey: cloud.publicKey,
      now: o.now ?? now,
      floor: o.floor ?? 0,
      futureSkewMs: 86_400_000,
    });

  it('accepts a signed command and refuses each kind of bad one with its reason', () => {
    expect(check(sign(body()))).toMatchObject({ ok: true, skewMs: 0, notAfter: now + 5 * MIN });
    expect(check({ ...sign(body()), payload: { parcelId: 'p2' } })).toMatchObject({
      ok: false,
      reason: 'bad_signature',
      signed: false,
    });
    expect(check(sign(body({ lockerId: 'l-2' })))).toMatchObject({
      ok: false,
      reason: 'wrong_locker',
      signed: true,
    });
    expect(check(sign(body({ issuedAt: at(now + 86_400_001) })))).toMatchObject({
      reason: 'not_yet_valid',
      signed: true,
    });
    expect(check(sign(body({ payload: { parcelId: '' } })))).toMatchObject({
      reason: 'invalid_payload',
    });
    const unknownType = check(sign(body({ type: 'door.explode' })));
    expect(unknownType).toMatchObject({ ok: false, reason: 'invalid_schema' });
    expect('id' in unknownType).toBe(false); // no known type: nothing to claim
    const { notAfter: _none, ...noLifetime } = body();
    expect(check(sign(noLifetime))).toMatchObject({ ok: false, reason: 'invalid_schema' });
    expect(
      checkCommand(Buffer.from('{'), {
        lockerId: 'l-1',
        cloudKey: cloud.publicKey,
        now,
        floor: 0,
        futureSkewMs: 1,
      }),
    ).toMatchObject({
      reason: 'malformed_json',
    });
  });

  it('judges expiry by the signed notAfter, not by the issue time', () => {
    const openedAt = now - 3 * 86_400_000;
    // Issued three days ago with a week to live: still good (the old 24 h window refused it).
    expect(
      check(sign(body({ issuedAt: at(openedAt), notAfter: at(openedAt + 7 * 86_400_000) }))),
    ).toMatchObject({ ok: true, skewMs: 3 * 86_400_000 });
    // Issued a minute ago with five minutes to live, checked six minutes on: expired.
    const open = sign(body({ issuedAt: at(now - MIN), notAfter: at(now + 4 * MIN) }));
    expect(check(open, { now: now + 4 * MIN })).toMatchObject({ ok: true });
    expect(check(open, { now: now + 4 * MIN + 1 })).toMatchObject({
      ok: false,
      reason: 'expired',
      signed: true,
    });
    // null: no expiry at all.
    const revoke = sign(
      body({ type: 'credentials.revoke', payload: { badgeIds: ['b-1'] }, notAfter: null }),
    );
    expect(check(revoke, { now: now + 3650 * 86_400_000 })).toMatchObject({
      ok: true,
      notAfter: null,
    });
  });

  it('a clock set back cannot revive an expired command: the newest event is the floor', () => {
    const open = sign(body({ notAfter: at(now + 5 * MIN) }));
    // The locker recorded an event ten minutes on; its clock now reads an hour before that.
    const floor = now + 10 * MIN;
    expect(check(open, { now: now - 50 * MIN })).toMatchObject({ ok: true });
    expect(check(open, { now: now - 50 * MIN, floor })).toMatchObject({
      ok: false,
      reason: 'expired',
    });
  });
});

describe('processed commands (migrations 002, 008)', () => {
  it('records an id once, and prunes by the end of its lifetime, never one without', () => {
    const db = openDatabase(':memory:');
    const c = { id: 'a', type: 'parcel.cancel', issuedAt: 1000, notAfter: 5000, receivedAt: 2000 };
    expect(markCommandProcessed(db, c)).toBe(true);
    expect(markCommandProcessed(db, c)).toBe(false);
    markCommandProcessed(db, { ...c, id: 'forever', type: 'credentials.revoke', notAfter: null });
    expect(isCommandProcessed(db, 'a')).toBe(true);
    expect(pruneProcessedCommands(db, 5000)).toBe(0);
    expect(pruneProcessedCommands(db, 5001)).toBe(1);
    expect(isCommandProcessed(db, 'a')).toBe(false);
    expect(pruneProcessedCommands(db, Number.MAX_SAFE_INTEGER)).toBe(0);
    expect(isCommandProcessed(db, 'forever')).toBe(true);
  });

  it('gives ids recorded before migration 8 the day they were accepted for', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'db-')), 'k.db');
    const v7 = openDatabase(file, migrations.slice(0, 7));
    v7.prepare(
      `INSERT INTO processed_commands (id, type, issued_at, received_at) VALUES ('old', 't', 1000, 2000)`,
    ).run();
    v7.close();
    const db = openDatabase(file);
    expect(db.prepare('SELECT not_after FROM processed_commands').get()).toEqual({
      not_after: 1000 + 86_400_000,
    });
    expect(pruneProcessedCommands(db, 1000 + 86_400_001)).toBe(1);
  });
});
