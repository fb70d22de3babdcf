/**
 * Pickup-code digests (DESIGN §5): the cloud sends the device only HMAC-SHA256(codeKey, code),
 * so neither side's store holds a usable code. Both sides compute it here.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const DIGEST_HEX = /^[0-9a-f]{64}$/;

/** HMAC-SHA256 of the code's UTF-8 bytes under the 32-byte code-digest key, lowercase hex. */
export function codeDigest(codeDigestKey: Uint8Array, code: string): string {
  if (codeDigestKey.length !== 32) {
    throw new TypeError(`codeDigest: expected a 32-byte key, got ${codeDigestKey.length} bytes`);
  }
  return createHmac('sha256', codeDigestKey).update(code, 'utf8').digest('hex');
}

/**
 * Constant-time comparison of two digests from {@link codeDigest}; false (never a throw)
 * when either is not 64 lowercase hex digits.
 */
export function codeDigestsEqual(a: string, b: string): boolean {
  if (!DIGEST_HEX.test(a) || !DIGEST_HEX.test(b)) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}
