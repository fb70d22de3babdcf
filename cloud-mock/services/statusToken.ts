/**
 * The secret in a customer's status page link (`/p/{allocationId}?t=…`): an HMAC of the
 * allocation id under a key derived from the cloud's signing key, so nothing is stored and
 * every allocation's token is checked the same way, found or not (no timing oracle).
 */
import { createHash, createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';

const TOKEN_BYTES = 16;

export class StatusTokens {
  private readonly key: Buffer;

  constructor(signingKey: KeyObject) {
    this.key = createHash('sha256')
      .update('locker status page token v1\0')
      .update(signingKey.export({ format: 'der', type: 'pkcs8' }))
      .digest();
  }

  /** The token for this allocation: 128 bits, base64url. */
  tokenFor(allocationId: string): string {
    return createHmac('sha256', this.key)
      .update(allocationId, 'utf8')
      .digest()
      .subarray(0, TOKEN_BYTES)
      .toString('base64url');
  }

  /** True when `presented` is this allocation's token; constant time in what was presented. */
  check(allocationId: string, presented: unknown): boolean {
    const given = typeof presented === 'string' ? presented : '';
    // Hashing both sides first makes the comparison the same length whatever was sent.
    const a = createHash('sha256').update(this.tokenFor(allocationId)).digest();
    const b = createHash('sha256').update(given).digest();
    return timingSafeEqual(a, b) && given.length > 0;
  }

  /** The page's path with its token. */
  pathFor(allocationId: string): string {
    return `/p/${allocationId}?t=${this.tokenFor(allocationId)}`;
  }
}
