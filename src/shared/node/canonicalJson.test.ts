import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueBadgeToken, readBadgeToken } from './badgeToken';
import { canonicalJson, tryCanonicalJson } from './canonicalJson';
import { GENESIS_HASH } from '../events';
import { proveLink, signEvent } from './eventChain';
import { signMessage, verifyMessage } from './signedMessage';
import { testBody } from './testChain';

const keys = generateKeyPairSync('ed25519');
const lone = '\ud800';

// Found by the fuzz drill: JSON text can carry a lone surrogate (`"\ud800"`), which has no
// canonical JSON form; the checks that canonicalize what they verify threw instead of refusing.
describe('a value with no canonical JSON form', () => {
  it('has none: canonicalJson throws, tryCanonicalJson says undefined', () => {
    expect(() => canonicalJson({ a: lone })).toThrow();
    expect(tryCanonicalJson({ a: lone })).toBeUndefined();
    expect(tryCanonicalJson({ a: 'ok' })).toBe('{"a":"ok"}');
  });

  it('never verifies as a signed message, and verifying it does not throw', () => {
    const message = signMessage({ v: 1, note: 'x' }, keys.privateKey);
    expect(verifyMessage(message, keys.publicKey)).toBe(true);
    expect(verifyMessage({ ...message, note: lone } as typeof message, keys.publicKey)).toBe(false);
  });

  it('never proves an event link, and proving it does not throw', () => {
    const event = signEvent(testBody(1, GENESIS_HASH), keys.privateKey);
    expect(proveLink(event, keys.publicKey).signed).toBe(true);
    const bad = { ...event, payload: { note: lone } };
    expect(proveLink(bad, keys.publicKey).signed).toBe(false);
  });

  it('never verifies as a badge, and verifying it does not throw', () => {
    const iat = new Date(0).toISOString();
    const token = issueBadgeToken(
      { id: 'b-1', role: 'courier', sub: 'c-1', iat, exp: new Date(4e12).toISOString() },
      keys.privateKey,
    );
    const [prefix, claims, sig] = token.split('.') as [string, string, string];
    const text = Buffer.from(claims, 'base64url').toString('utf8').replace('"c-1"', '"\\ud800"');
    const forged = `${prefix}.${Buffer.from(text).toString('base64url')}.${sig}`;
    expect(readBadgeToken(token, keys.publicKey).ok).toBe(true);
    expect(readBadgeToken(forged, keys.publicKey)).toEqual({ ok: false, error: 'bad_signature' });
  });
});
