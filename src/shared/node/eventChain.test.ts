import { createHash, createPublicKey } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../events';
import type { EventBody, SignedEvent } from '../events';
import {
  ChainVerifier,
  canonicalBody,
  hashBody,
  proveLink,
  signEvent,
  verifyChain,
  verifyDetached,
} from './eventChain';
import type { ChainFailureReason, ChainResult } from './eventChain';
import { TEST_LOCKER, buildChain, testBody, testKey } from './testChain';

const deviceKey = testKey(1);
const publicKey = createPublicKey(deviceKey);
const intruderKey = testKey(2);
const CHAIN = buildChain(50, deviceKey);

const clone = (events: SignedEvent[]): SignedEvent[] => structuredClone(events);
const at = (events: SignedEvent[], seq: number): SignedEvent => {
  const event = events[seq - 1];
  if (!event) throw new Error(`no event ${seq}`);
  return event;
};
/** Re-derives the hash of an edited event, as a forger without the key would. */
const rehash = (event: SignedEvent): void => {
  event.hash = hashBody(canonicalBody(event));
};

describe('canonical form and signing', () => {
  it('canonicalises exactly the body fields, keys sorted, no whitespace', () => {
    const body: EventBody = {
      v: 1,
      lockerId: 'L1',
      seq: 7,
      type: 'door.opened',
      at: '2025-01-01T00:00:00.000Z',
      payload: { z: 1, a: [true, null, 'é'], m: { y: 1e21, b: 0.5 } },
      prevHash: GENESIS_HASH,
    };
    const expected =
      '{"at":"2025-01-01T00:00:00.000Z","lockerId":"L1","payload":{"a":[true,null,"é"],' +
      '"m":{"b":0.5,"y":1e+21},"z":1},"prevHash":"' +
      GENESIS_HASH +
      '","seq":7,"type":"door.opened","v":1}';
    expect(canonicalBody(body)).toBe(expected);
    expect(canonicalBody(signEvent(body, deviceKey))).toBe(expected);
  });

  it('hashes with SHA-256 in lowercase hex', () => {
    expect(hashBody('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('round-trips: hash is sha256(canonical), sig verifies over the canonical bytes', () => {
    const event = signEvent(testBody(1, GENESIS_HASH), deviceKey);
    const canonical = canonicalBody(event);
    expect(event.hash).toBe(createHash('sha256').update(canonical).digest('hex'));
    expect(verifyDetached(canonical, event.sig, publicKey)).toBe(true);
    expect(verifyChain([event], publicKey)).toEqual({
      ok: true,
      lastSeq: 1,
      lastHash: event.hash,
      count: 1,
    });
  });

  it('verifies a chain that went through JSON transport, and from any iterable', () => {
    const wire: unknown = JSON.parse(JSON.stringify(CHAIN));
    const ok = { ok: true, lastSeq: 50, lastHash: at(CHAIN, 50).hash, count: 50 };
    expect(verifyChain(wire as unknown[], publicKey)).toEqual(ok);
    expect(verifyChain(CHAIN.values(), publicKey)).toEqual(ok);
  });

  it('refuses to sign a body that does not match the schema', () => {
    const body = testBody(1, GENESIS_HASH);
    expect(() => signEvent({ ...body, at: '2025-01-01' }, deviceKey)).toThrow();
    expect(() => signEvent({ ...body, payload: { n: Number.NaN } }, deviceKey)).toThrow();
    expect(() => signEvent({ ...body, seq: 0 }, deviceKey)).toThrow();
  });

  it('gives the same canonical form and hash whatever the key order', () => {
    const payload = fc
      .dictionary(fc.string(), fc.jsonValue())
      .filter((value) => !JSON.stringify(value).includes('"__proto__"'));
    fc.assert(
      fc.property(payload, fc.array(fc.nat(), { minLength: 1 }), (value, order) => {
        const body = { ...testBody(3, GENESIS_HASH), payload: value };
        const shuffled = shuffleKeys(body, order) as EventBody;
        expect(JSON.stringify(shuffled)).not.toBeUndefined();
        expect(canonicalBody(shuffled)).toBe(canonicalBody(body));
        expect(signEvent(shuffled, deviceKey).hash).toBe(signEvent(body, deviceKey).hash);
      }),
    );
  });
});

/** Rebuilds every object with its keys in an order picked from `order`. */
function shuffleKeys(value: unknown, order: number[], depth = 0): unknown {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, order, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  const rank = (i: number) => order[(i + depth) % order.length] ?? 0;
  const permuted = keys.map((key, i) => ({ key, r: rank(i) })).sort((a, b) => a.r - b.r);
  if ((order[0] ?? 0) % 2 === 1) permuted.reverse();
  const out: Record<string, unknown> = {};
  for (const { key } of permuted) {
    out[key] = shuffleKeys((value as Record<string, unknown>)[key], order, depth + 1);
  }
  return out;
}

type Expect = { index: number; seq: number | null; reason: ChainFailureReason } | 'ok';
interface Tamper {
  name: string;
  /** Edits the chain around event k (1-based); returns the failure it must cause. */
  apply: (events: SignedEvent[], k: number) => Expect;
}

const TAMPERS: Tamper[] = [
  {
    name: 'payload value changed',
    apply: (events, k) => {
      at(events, k).payload.n = 1000 + k;
      return { index: k - 1, seq: k, reason: 'hash_mismatch' };
    },
  },
  {
    name: 'type changed',
    apply: (events, k) => {
      at(events, k).type = 'parcel.forged';
      return { index: k - 1, seq: k, reason: 'hash_mismatch' };
    },
  },
  {
    name: 'time changed',
    apply: (events, k) => {
      at(events, k).at = '2030-01-01T00:00:00.000Z';
      return { index: k - 1, seq: k, reason: 'hash_mismatch' };
    },
  },
  {
    name: 'lockerId changed',
    apply: (events, k) => {
      at(events, k).lockerId = 'LKR-9999';
      // The first event defines the locker, so there only the hash gives it away.
      return { index: k - 1, seq: k, reason: k === 1 ? 'hash_mismatch' : 'wrong_locker' };
    },
  },
  {
    name: 'seq changed',
    apply: (events, k) => {
      at(events, k).seq = k + 100;
      return { index: k - 1, seq: k + 100, reason: 'seq_gap' };
    },
  },
  {
    name: 'seq changed, hash recomputed',
    apply: (events, k) => {
      at(events, k).seq = k + 1;
      rehash(at(events, k));
      return { index: k - 1, seq: k + 1, reason: 'seq_gap' };
    },
  },
  {
    name: 'prevHash changed',
    apply: (events, k) => {
      at(events, k).prevHash = 'f'.repeat(64);
      return { index: k - 1, seq: k, reason: 'prev_hash_mismatch' };
    },
  },
  {
    name: 'hash field replaced',
    apply: (events, k) => {
      at(events, k).hash = createHash('sha256').update(`forged ${k}`).digest('hex');
      return { index: k - 1, seq: k, reason: 'hash_mismatch' };
    },
  },
  {
    name: 'payload changed, hash recomputed',
    apply: (events, k) => {
      at(events, k).payload.parcelId = 'P-stolen';
      rehash(at(events, k));
      return { index: k - 1, seq: k, reason: 'bad_signature' };
    },
  },
  {
    name: 'signature swapped from another event',
    apply: (events, k) => {
      at(events, k).sig = at(CHAIN, k === 50 ? 1 : k + 1).sig;
      return { index: k - 1, seq: k, reason: 'bad_signature' };
    },
  },
  {
    name: 'rest of the chain re-signed with another key',
    apply: (events, k) => {
      const forged = buildChain(51 - k, intruderKey, { seq: k, prevHash: at(events, k).prevHash });
      events.splice(k - 1, forged.length, ...forged);
      return { index: k - 1, seq: k, reason: 'bad_signature' };
    },
  },
  {
    name: 'event deleted',
    apply: (events, k) => {
      events.splice(k - 1, 1);
      // Dropping the tail leaves a valid, shorter chain: only the ack state can notice.
      return k === 50 ? 'ok' : { index: k - 1, seq: k + 1, reason: 'seq_gap' };
    },
  },
  {
    name: 'event swapped with the next',
    apply: (events, k) => {
      if (k === 50) {
        events.splice(48, 2, at(events, 50), at(events, 49));
        return { index: 48, seq: 50, reason: 'seq_gap' };
      }
      events.splice(k - 1, 2, at(events, k + 1), at(events, k));
      return { index: k - 1, seq: k + 1, reason: 'seq_gap' };
    },
  },
  {
    name: 'event replayed',
    apply: (events, k) => {
      events.splice(k, 0, structuredClone(at(events, k)));
      return { index: k, seq: k, reason: 'seq_gap' };
    },
  },
  {
    name: 'field added',
    apply: (events, k) => {
      Object.assign(at(events, k), { note: 'x' });
      return { index: k - 1, seq: k, reason: 'malformed' };
    },
  },
  {
    name: 'signature removed',
    apply: (events, k) => {
      delete (at(events, k) as Partial<SignedEvent>).sig;
      return { index: k - 1, seq: k, reason: 'malformed' };
    },
  },
];

function expectResult(result: ChainResult, expected: Expect, label: string): void {
  if (expected === 'ok') {
    expect(result.ok, label).toBe(true);
    return;
  }
  expect(result.ok, label).toBe(false);
  if (result.ok) return;
  expect({ index: result.index, seq: result.seq, reason: result.reason }, label).toEqual(expected);
  expect(result.detail, label).not.toBe('');
}

describe('tamper detection over a 50-event chain', () => {
  it('accepts the untouched chain', () => {
    expect(verifyChain(CHAIN, publicKey)).toEqual({
      ok: true,
      lastSeq: 50,
      lastHash: at(CHAIN, 50).hash,
      count: 50,
    });
  });

  it.each(TAMPERS)('reports the first broken link: $name', ({ name, apply }) => {
    for (let k = 1; k <= 50; k++) {
      const events = clone(CHAIN);
      const expected = apply(events, k);
      expectResult(verifyChain(events, publicKey), expected, `${name} at seq ${k}`);
    }
  });

  it.each(TAMPERS.filter((t) => !t.name.startsWith('field') && !t.name.startsWith('signature r')))(
    'reports it at the same link with proofs computed ahead, as a worker thread does: $name',
    ({ name, apply }) => {
      for (let k = 1; k <= 50; k++) {
        const events = clone(CHAIN);
        const expected = apply(events, k);
        // Every proof first, none knowing the chain; then the chain's checks, in order.
        const proofs = events.map((e) => proveLink(e, publicKey));
        const verifier = new ChainVerifier(publicKey);
        let result: ChainResult = verifier.pushAll([]);
        for (const [i, event] of events.entries()) {
          const pushed = verifier.pushParsed(event, proofs[i]);
          result = pushed.ok ? verifier.pushAll([]) : pushed;
          if (!pushed.ok) break;
        }
        expectResult(result, expected, `${name} at seq ${k}`);
      }
    },
  );

  it('rejects a chain signed by another device', () => {
    expectResult(
      verifyChain(buildChain(3, intruderKey), publicKey),
      {
        index: 0,
        seq: 1,
        reason: 'bad_signature',
      },
      'intruder chain',
    );
  });

  it('reports wrong_locker on the first event when the locker is pinned', () => {
    const events = clone(CHAIN);
    at(events, 1).lockerId = 'LKR-9999';
    const start = { seq: 1, prevHash: GENESIS_HASH, lockerId: TEST_LOCKER };
    expectResult(
      verifyChain(events, publicKey, start),
      { index: 0, seq: 1, reason: 'wrong_locker' },
      'pinned locker',
    );
  });

  it('reports anything that is not an event as malformed, without throwing', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const result = verifyChain([input], publicKey);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.reason).toBe('malformed');
      }),
    );
    expect(verifyChain([null], publicKey)).toMatchObject({ seq: null, reason: 'malformed' });
    expect(verifyChain([{ seq: 'x' }], publicKey)).toMatchObject({ seq: null, index: 0 });
  });
});

describe('verifying from a checkpoint', () => {
  const checkpoint = { seq: 21, prevHash: at(CHAIN, 20).hash };
  const tail = CHAIN.slice(20);

  it('verifies the events after a pruned prefix', () => {
    expect(verifyChain(tail, publicKey, checkpoint)).toEqual({
      ok: true,
      lastSeq: 50,
      lastHash: at(CHAIN, 50).hash,
      count: 30,
    });
  });

  it('reports an empty tail as the checkpoint itself', () => {
    expect(verifyChain([], publicKey, checkpoint)).toEqual({
      ok: true,
      lastSeq: 20,
      lastHash: checkpoint.prevHash,
      count: 0,
    });
    expect(verifyChain([], publicKey)).toEqual({
      ok: true,
      lastSeq: 0,
      lastHash: GENESIS_HASH,
      count: 0,
    });
  });

  it('rejects a tail that does not continue the checkpoint', () => {
    const wrongHash = { seq: 21, prevHash: at(CHAIN, 19).hash };
    expectResult(
      verifyChain(tail, publicKey, wrongHash),
      { index: 0, seq: 21, reason: 'prev_hash_mismatch' },
      'hash',
    );
    expectResult(
      verifyChain(tail, publicKey, { ...checkpoint, seq: 22 }),
      { index: 0, seq: 21, reason: 'seq_gap' },
      'seq',
    );
    expectResult(
      verifyChain(tail, publicKey),
      { index: 0, seq: 21, reason: 'seq_gap' },
      'no start',
    );
    expectResult(
      verifyChain(tail, publicKey, { ...checkpoint, lockerId: 'LKR-0002' }),
      { index: 0, seq: 21, reason: 'wrong_locker' },
      'locker',
    );
  });

  it('refuses an invalid start', () => {
    expect(() => new ChainVerifier(publicKey, { seq: 0, prevHash: GENESIS_HASH })).toThrow(
      TypeError,
    );
    expect(() => new ChainVerifier(publicKey, { seq: 1, prevHash: 'abc' })).toThrow(TypeError);
    expect(() => new ChainVerifier(deviceKey)).toThrow(TypeError);
  });
});

describe('ChainVerifier (incremental)', () => {
  it('leaves its state untouched by a rejected event and continues with the right one', () => {
    const verifier = new ChainVerifier(publicKey);
    expect(verifier.pushAll(CHAIN.slice(0, 10))).toMatchObject({ ok: true, lastSeq: 10 });
    const before = verifier.state;
    expect(verifier.push(at(CHAIN, 10))).toMatchObject({ ok: false, reason: 'seq_gap', index: 10 });
    expect(verifier.push(at(CHAIN, 12))).toMatchObject({ ok: false, reason: 'seq_gap', index: 11 });
    expect(verifier.state).toEqual(before);
    const accepted = verifier.push(at(CHAIN, 11));
    expect(accepted).toMatchObject({ ok: true, lastSeq: 11, count: 11 });
    if (accepted.ok) expect(accepted.event).toEqual(at(CHAIN, 11));
    expect(verifier.state).toEqual({
      lockerId: TEST_LOCKER,
      nextSeq: 12,
      lastSeq: 11,
      lastHash: at(CHAIN, 11).hash,
      count: 11,
    });
  });

  it('gives the batch verdict however the stream is split into batches', () => {
    const base = CHAIN.slice(0, 30);
    const damage = fc.oneof(
      fc.constant({ kind: 'none' as const, i: 0 }),
      fc.record({
        kind: fc.constantFrom('delete', 'swap', 'payload', 'rehash', 'garbage', 'replay', 'sig'),
        i: fc.integer({ min: 0, max: 28 }),
      }),
    );
    fc.assert(
      fc.property(
        damage,
        fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 30 }),
        (d, cuts) => {
          const events: unknown[] = damaged(base, d.kind, d.i);
          const batch = verifyChain(events, publicKey);

          const verifier = new ChainVerifier(publicKey);
          let incremental: ChainResult | undefined;
          let rest = events;
          for (const size of [...cuts, rest.length]) {
            const result = verifier.pushAll(rest.slice(0, size));
            rest = rest.slice(size);
            if (!result.ok || rest.length === 0) {
              incremental = result;
              break;
            }
          }
          expect(incremental ?? verifier.pushAll([])).toEqual(batch);
          if (batch.ok)
            expect(verifier.state).toMatchObject({
              lastSeq: batch.lastSeq,
              lastHash: batch.lastHash,
            });
        },
      ),
      { numRuns: 150 },
    );
  });
});

function damaged(base: SignedEvent[], kind: string, i: number): unknown[] {
  const events: unknown[] = clone(base);
  const event = events[i] as SignedEvent;
  switch (kind) {
    case 'delete':
      events.splice(i, 1);
      break;
    case 'swap':
      events.splice(i, 2, events[i + 1], events[i]);
      break;
    case 'payload':
      event.payload.n = -1;
      break;
    case 'rehash':
      event.payload.n = -1;
      rehash(event);
      break;
    case 'garbage':
      events.splice(i, 0, { hello: 'world' });
      break;
    case 'replay':
      events.splice(i, 0, structuredClone(base[i + 1]));
      break;
    case 'sig':
      event.sig = (base[i + 1] as SignedEvent).sig;
      break;
  }
  return events;
}
