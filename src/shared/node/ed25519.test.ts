import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  privateKeyFromRaw,
  privateKeyFromSeed,
  privateKeyToRaw,
  publicKeyFromRaw,
  publicKeyToRaw,
  signDetached,
  verifyDetached,
} from './ed25519';

// RFC 8032 §7.1, TEST 1 (empty message).
const RFC_SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const RFC_PUBLIC = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const RFC_SIG =
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');

describe('Ed25519 keys and detached signatures', () => {
  it('matches the RFC 8032 test vector byte for byte', () => {
    const privateKey = privateKeyFromSeed(Buffer.from(RFC_SEED, 'hex'));
    expect(privateKeyToRaw(privateKey)).toBe(b64(RFC_SEED));
    expect(publicKeyToRaw(createPublicKey(privateKey))).toBe(b64(RFC_PUBLIC));
    expect(signDetached('', privateKey)).toBe(b64(RFC_SIG));
    expect(verifyDetached('', b64(RFC_SIG), publicKeyFromRaw(b64(RFC_PUBLIC)))).toBe(true);
  });

  it('round-trips raw keys, agreeing with the JWK form', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const rawPublic = publicKeyToRaw(publicKey);
    expect(rawPublic).toBe(publicKey.export({ format: 'jwk' }).x);
    expect(publicKeyFromRaw(rawPublic).equals(publicKey)).toBe(true);
    const rawPrivate = privateKeyToRaw(privateKey);
    expect(rawPrivate).toBe(privateKey.export({ format: 'jwk' }).d);
    expect(privateKeyFromRaw(rawPrivate).equals(privateKey)).toBe(true);
  });

  it.each(['', 'abc', 'A'.repeat(44), `${'A'.repeat(42)}B`, `${'A'.repeat(42)}=`])(
    'rejects %j as a raw key',
    (text) => {
      expect(() => publicKeyFromRaw(text)).toThrow(TypeError);
      expect(() => privateKeyFromRaw(text)).toThrow(TypeError);
    },
  );

  it('refuses keys of the wrong kind', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    expect(() => publicKeyToRaw(privateKey)).toThrow(TypeError);
    expect(() => privateKeyToRaw(publicKey)).toThrow(TypeError);
    expect(() => signDetached('x', generateKeyPairSync('x25519').privateKey)).toThrow(TypeError);
  });

  it('verifies only the signed text, under the signing key, in canonical base64url', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const other = generateKeyPairSync('ed25519').publicKey;
    const data = '{"id":"cmd-1","type":"door.open_remote"}';
    const sig = signDetached(data, privateKey);
    expect(verifyDetached(data, sig, publicKey)).toBe(true);
    expect(verifyDetached(`${data} `, sig, publicKey)).toBe(false);
    expect(verifyDetached(data, sig, other)).toBe(false);
    expect(verifyDetached(data, 'not a signature', publicKey)).toBe(false);
    expect(verifyDetached(data, `${sig}==`, publicKey)).toBe(false);
  });
});
