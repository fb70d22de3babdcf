import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { SignedEvent } from '../../src/shared/events';
import { hashBody, canonicalBody, proveLink, signEvent } from '../../src/shared/node/eventChain';
import { buildChain, testKey } from '../../src/shared/node/testChain';
import { SignatureChecks } from './signatureChecks';

const key = testKey(5);
const publicKey = createPublicKey(key);
const log = pino({ level: 'silent' });

/** 40 events: genuine, one re-signed by another key, one with its payload changed. */
function mixedChain(): SignedEvent[] {
  const events = buildChain(40, key);
  const { hash: _h, sig: _s, ...body } = events[10]!;
  events[10] = signEvent(body, testKey(6));
  events[20] = { ...events[20]!, payload: { ...events[20]!.payload, n: -1 } };
  return events;
}

describe('signature checks on worker threads', () => {
  let checks: SignatureChecks | undefined;
  afterEach(() => checks?.close());

  it('proves each event as proveLink does here, in the events’ order', async () => {
    checks = new SignatureChecks(2, log);
    const events = mixedChain();
    const proofs = await checks.prove(publicKey, events);
    expect(proofs).toEqual(events.map((e) => proveLink(e, publicKey)));
    expect(proofs![10]).toEqual({ hash: events[10]!.hash, signed: false });
    expect(proofs![20]).toEqual({ hash: hashBody(canonicalBody(events[20]!)), signed: false });
    expect(proofs!.filter((p) => p.signed)).toHaveLength(38);
  });

  it('answers a job it cannot do with its reason, and keeps serving the next', async () => {
    checks = new SignatureChecks(1, log);
    // Not an Ed25519 key: node:crypto refuses the verify itself.
    const notEd25519 = generateKeyPairSync('x25519').publicKey;
    await expect(checks.prove(notEd25519, buildChain(2, key))).rejects.toThrow(
      /signature check failed/,
    );
    const proofs = await checks.prove(publicKey, buildChain(2, key));
    expect(proofs!.every((p) => p.signed)).toBe(true);
  });

  it('takes nothing when it has no workers or is closed: the caller proves the events itself', async () => {
    expect(new SignatureChecks(0, log).prove(publicKey, buildChain(1, key))).toBeNull();
    checks = new SignatureChecks(1, log);
    await checks.close();
    expect(checks.prove(publicKey, buildChain(1, key))).toBeNull();
  });
});
