/**
 * Ed25519 keys and detached signatures over canonical JSON text, shared by the event chain,
 * cloud commands and courier/staff badges. Keys travel as base64url of the raw 32 bytes.
 */
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

// DER headers of an Ed25519 SubjectPublicKeyInfo and PKCS#8 PrivateKeyInfo (RFC 8410);
// the raw 32-byte key is the tail.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const RAW_KEY_BYTES = 32;
/** 32 bytes as unpadded, canonical base64url (43 characters). */
const RAW_KEY_B64URL = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

function assertEd25519(key: KeyObject, type: 'public' | 'private'): void {
  if (key.asymmetricKeyType !== 'ed25519' || key.type !== type) {
    throw new TypeError(
      `expected an Ed25519 ${type} key, got ${key.asymmetricKeyType} ${key.type}`,
    );
  }
}

function rawFromB64url(text: string, what: string): Buffer {
  if (!RAW_KEY_B64URL.test(text)) {
    throw new TypeError(`${what}: expected 32 bytes as unpadded base64url (43 characters)`);
  }
  return Buffer.from(text, 'base64url');
}

/** The raw 32-byte public key as base64url. */
export function publicKeyToRaw(key: KeyObject): string {
  assertEd25519(key, 'public');
  const der = key.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - RAW_KEY_BYTES).toString('base64url');
}

/** Imports a public key written by {@link publicKeyToRaw}; throws TypeError on bad input. */
export function publicKeyFromRaw(b64url: string): KeyObject {
  const raw = rawFromB64url(b64url, 'publicKeyFromRaw');
  return createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, raw]),
    format: 'der',
    type: 'spki',
  });
}

/** The raw 32-byte private key (the RFC 8032 seed) as base64url. Secret: store it 0600. */
export function privateKeyToRaw(key: KeyObject): string {
  assertEd25519(key, 'private');
  const der = key.export({ format: 'der', type: 'pkcs8' });
  return der.subarray(der.length - RAW_KEY_BYTES).toString('base64url');
}

/** Imports a private key written by {@link privateKeyToRaw}; throws TypeError on bad input. */
export function privateKeyFromRaw(b64url: string): KeyObject {
  return privateKeyFromSeed(rawFromB64url(b64url, 'privateKeyFromRaw'));
}

/** The Ed25519 key whose seed is these 32 bytes (e.g. from a CSPRNG, or a seeded RNG in tests). */
export function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== RAW_KEY_BYTES) {
    throw new TypeError(`privateKeyFromSeed: expected ${RAW_KEY_BYTES} bytes, got ${seed.length}`);
  }
  return createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
}

/** Ed25519 signature over the UTF-8 bytes of `data`, as base64url. */
export function signDetached(data: string, privateKey: KeyObject): string {
  assertEd25519(privateKey, 'private');
  return sign(null, Buffer.from(data, 'utf8'), privateKey).toString('base64url');
}

/** True only for a well-formed signature by `publicKey` over `data`; never throws on bad input. */
export function verifyDetached(data: string, sig: string, publicKey: KeyObject): boolean {
  assertEd25519(publicKey, 'public');
  // Canonical encoding only, so one signature has one spelling.
  if (!/^[A-Za-z0-9_-]{85}[AQgw]$/.test(sig)) return false;
  return verify(null, Buffer.from(data, 'utf8'), publicKey, Buffer.from(sig, 'base64url'));
}
