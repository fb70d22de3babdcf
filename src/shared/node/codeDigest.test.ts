import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { codeDigest, codeDigestsEqual } from './codeDigest';

/** HMAC-SHA256 spelled out from RFC 2104, as an oracle independent of createHmac. */
function rfc2104(key: Buffer, message: string): string {
  const block = Buffer.alloc(64);
  key.copy(block);
  const pad = (byte: number) => Buffer.from(block.map((b) => b ^ byte));
  const inner = createHash('sha256').update(pad(0x36)).update(message, 'utf8').digest();
  return createHash('sha256').update(pad(0x5c)).update(inner).digest('hex');
}

const key = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');

describe('codeDigest', () => {
  it('is HMAC-SHA256 of the code under the key, in lowercase hex', () => {
    expect(codeDigest(key, '482913')).toBe(rfc2104(key, '482913'));
    expect(codeDigest(key, 'ÄQR-ü')).toBe(rfc2104(key, 'ÄQR-ü'));
    expect(codeDigest(key, '482913')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs by code and by key', () => {
    const otherKey = Buffer.from(key).fill(7, 0, 1);
    expect(codeDigest(key, '482913')).not.toBe(codeDigest(key, '482914'));
    expect(codeDigest(key, '482913')).not.toBe(codeDigest(otherKey, '482913'));
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => codeDigest(key.subarray(0, 31), '1')).toThrow(TypeError);
  });

  it('compares digests, and never matches a malformed one', () => {
    const digest = codeDigest(key, '482913');
    expect(codeDigestsEqual(digest, codeDigest(key, '482913'))).toBe(true);
    expect(codeDigestsEqual(digest, codeDigest(key, '000000'))).toBe(false);
    expect(codeDigestsEqual(digest, digest.toUpperCase())).toBe(false);
    expect(codeDigestsEqual(digest, digest.slice(2))).toBe(false);
    expect(codeDigestsEqual('', '')).toBe(false);
  });
});
