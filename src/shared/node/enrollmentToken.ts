/** Issues enrolment tokens (format in src/shared/enrollmentToken.ts) and fingerprints cloud keys. */
import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import { ENROLLMENT_TOKEN_PREFIX } from '../enrollmentToken';
import { publicKeyToRaw } from './ed25519';

/** SHA-256 of the raw 32-byte Ed25519 public key (as sent in `cloudPublicKey`), base64url. */
export function cloudKeyFingerprint(rawPublicKey: string): string {
  return createHash('sha256').update(Buffer.from(rawPublicKey, 'base64url')).digest('base64url');
}

/** A fresh one-time token pinning `cloudPublicKey`; `secret` is 24 random bytes. */
export function issueEnrollmentToken(
  cloudPublicKey: KeyObject,
  secret: Buffer = randomBytes(24),
): string {
  if (secret.length !== 24) throw new RangeError('an enrolment secret is 24 bytes');
  const pin = cloudKeyFingerprint(publicKeyToRaw(cloudPublicKey));
  return `${ENROLLMENT_TOKEN_PREFIX}.${secret.toString('base64url')}.${pin}`;
}
