/**
 * Courier and staff badges: QR/barcode tokens the cloud signs, checked offline by the unit.
 * Token form: `LKB1.<base64url canonical JSON claims>.<base64url Ed25519 signature>`; the
 * signature covers the claims segment's decoded canonical JSON.
 */
import { z } from 'zod';
import { BADGE_ROLES } from './domain';

export const BADGE_PREFIX = 'LKB1';

export const badgeClaimsSchema = z.strictObject({
  /** Unique badge id; what a revocation names. */
  id: z.string().min(1).max(64),
  role: z.enum(BADGE_ROLES),
  /** Who carries it: a courier or staff id. */
  sub: z.string().min(1).max(64),
  /** Locker ids it is valid for; absent means every locker of the operator. */
  lockers: z.array(z.string()).max(1000).optional(),
  iat: z.iso.datetime(),
  exp: z.iso.datetime(),
});

export type BadgeClaims = z.infer<typeof badgeClaimsSchema>;

const TOKEN = /^LKB1\.([A-Za-z0-9_-]{1,2000})\.([A-Za-z0-9_-]{86})$/;

/** Splits a scanned token into its claims segment and signature; null when it is not one. */
export function splitBadgeToken(token: string): { claims: string; sig: string } | null {
  const m = TOKEN.exec(token.trim());
  return m ? { claims: m[1]!, sig: m[2]! } : null;
}
