/**
 * Pickup and return codes (DESIGN §5): CSPRNG digits, unique among the locker's active codes,
 * sent to the unit only as HMAC-SHA256(codeKey, code).
 */
import { randomInt } from 'node:crypto';
import { codeDigest } from '../../src/shared/node/codeDigest';
import type { Locker } from '../store/lockers';
import { activeParcelDigests } from '../store/parcels';
import { activeReturnDigests } from '../store/returns';
import type { CloudContext } from './context';

const MAX_ATTEMPTS = 100;

export function cryptoDigits(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String(randomInt(0, 10));
  return out;
}

/** QR payload of a pickup or return code, as the unit's scanner path reads it. */
export const qrPayload = (code: string): string => `LKP1:${code}`;

/**
 * A code of the locker's length that no active parcel or return of it has; call inside the
 * transaction. Codes issued at an earlier length stay active as they are.
 */
export function newLockerCode(
  ctx: CloudContext,
  locker: Pick<Locker, 'id' | 'codeLength'>,
  codeDigestKey: Buffer,
): { code: string; digest: string } {
  const taken = new Set([
    ...activeParcelDigests(ctx.db, locker.id),
    ...activeReturnDigests(ctx.db, locker.id),
  ]);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const code = ctx.randomDigits(locker.codeLength);
    const digest = codeDigest(codeDigestKey, code);
    if (!taken.has(digest)) return { code, digest };
  }
  throw new Error(`no free ${locker.codeLength}-digit code for locker ${locker.id}`);
}
