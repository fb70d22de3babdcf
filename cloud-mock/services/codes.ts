/**
 * Pickup and return codes (DESIGN §5): CSPRNG digits, unique among the locker's active codes,
 * each issued with a QR token (src/shared/qrToken.ts); the unit gets only HMAC-SHA256(codeKey,
 * …) of either.
 */
import { randomInt } from 'node:crypto';
import { codeDigest } from '../../src/shared/node/codeDigest';
import { QR_TOKEN_BYTES, qrPayload, type QrKind } from '../../src/shared/qrToken';
import type { Locker } from '../store/lockers';
import { hasActiveParcelDigest } from '../store/parcels';
import { hasActiveReturnDigest } from '../store/returns';
import type { CloudContext } from './context';

const MAX_ATTEMPTS = 100;

export function cryptoDigits(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String(randomInt(0, 10));
  return out;
}

/** A code for the keypad and the QR that comes with it, each with the digest the unit gets. */
export interface IssuedCode {
  code: string;
  digest: string;
  qrPayload: string;
  qrDigest: string;
}

/**
 * A code of the locker's length that no active parcel or return of it has, and a fresh QR
 * token of `kind`; call inside the transaction. Codes issued at an earlier length stay active
 * as they are.
 */
export function newLockerCode(
  ctx: CloudContext,
  locker: Pick<Locker, 'id' | 'codeLength'>,
  codeDigestKey: Buffer,
  kind: QrKind,
): IssuedCode {
  // Looked up by digest (indexed), not by reading every active code of the locker.
  const taken = (digest: string) =>
    hasActiveParcelDigest(ctx.db, locker.id, digest) ||
    hasActiveReturnDigest(ctx.db, locker.id, digest);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const code = ctx.randomDigits(locker.codeLength);
    const digest = codeDigest(codeDigestKey, code);
    if (taken(digest)) continue;
    // 128 random bits: no need to check it against the others.
    const payload = qrPayload(kind, ctx.randomBytes(QR_TOKEN_BYTES).toString('base64url'));
    return { code, digest, qrPayload: payload, qrDigest: codeDigest(codeDigestKey, payload) };
  }
  throw new Error(`no free ${locker.codeLength}-digit code for locker ${locker.id}`);
}

/**
 * The `qrDigest` field of parcel.code for a parcel's stored QR; none for a parcel issued its
 * code before QR tokens, so the unit keeps taking its code alone.
 */
export const qrDigestField = (
  codeDigestKey: Buffer,
  payload: string | null,
): { qrDigest?: string } =>
  payload === null ? {} : { qrDigest: codeDigest(codeDigestKey, payload) };
