import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkWebhookSignature, webhookSignature } from './webhookSignature';

const SECRET = 'whsec_x4Vq0S1bXn2Jr7mPpTz3Yw9cKd5LhGf8Ue6Ao1Ri2Nj';
const BODY = '{"id":7,"type":"parcel.deposited","lockerId":"L-1","parcelId":"P-1","data":{"ü":1}}';
const T = 1_750_000_000;

describe('webhook signatures', () => {
  it('is HMAC-SHA256 of "<t>.<body>" under the secret, as openssl computes it', () => {
    const witness = execFileSync('openssl', ['dgst', '-sha256', '-hmac', SECRET, '-r'], {
      input: Buffer.from(`${T}.${BODY}`, 'utf8'),
    })
      .toString()
      .split(' ')[0];
    expect(webhookSignature(SECRET, T, BODY)).toBe(`t=${T},v1=${witness}`);
  });

  it('accepts the genuine header and refuses another secret, a changed body, an old or malformed one', () => {
    const header = webhookSignature(SECRET, T, BODY);
    expect(checkWebhookSignature(SECRET, header, BODY, T + 10)).toBeNull();
    expect(checkWebhookSignature(`${SECRET}x`, header, BODY, T)).toBe('mismatch');
    expect(checkWebhookSignature(SECRET, header, BODY.replace('P-1', 'P-2'), T)).toBe('mismatch');
    expect(checkWebhookSignature(SECRET, header, BODY, T + 301)).toBe('stale');
    expect(checkWebhookSignature(SECRET, header, BODY, T - 301)).toBe('stale');
    // The timestamp is signed too: moving it forward breaks the signature.
    expect(
      checkWebhookSignature(SECRET, header.replace(`t=${T}`, `t=${T + 60}`), BODY, T + 60),
    ).toBe('mismatch');
    for (const bad of [undefined, '', 'v1=abc', `t=${T}`, `t=${T},v1=${'0'.repeat(63)}`])
      expect(checkWebhookSignature(SECRET, bad, BODY, T), String(bad)).toBe('malformed');
  });
});
