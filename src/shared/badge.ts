/**
 * Courier and staff badges: QR/barcode tokens the cloud signs, checked offline by the unit.
 * Token form: `LKB1.<base64url canonical JSON claims>.<base64url Ed25519 signature>`; the
 * signature covers the claims segment's decoded canonical JSON.
 */
import { z } from 'zod';
import { BADGE_ROLES } from './domain';

export const BADGE_PREFIX = 'LKB1';

/** Longest claims segment the kiosk reads: 1500 bytes of canonical JSON as base64url. */
const CLAIMS_MAX_CHARS = 2000;
const SIGNATURE_CHARS = 86;

/**
 * The longest badge token the kiosk reads end to end (2092 characters): the token grammar below
 * is the tightest limit on the scanner path (HID-POS and boot-keyboard input take 16 KiB; a
 * keyboard wedge, any length typed within 5 s), the `session:badge` input is held to it, and the
 * cloud refuses to mint a longer badge. Fits a QR code at error correction M (2331 bytes).
 */
export const BADGE_TOKEN_MAX_LENGTH =
  BADGE_PREFIX.length + 1 + CLAIMS_MAX_CHARS + 1 + SIGNATURE_CHARS;

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

const TOKEN = new RegExp(
  `^${BADGE_PREFIX}\\.([A-Za-z0-9_-]{1,${CLAIMS_MAX_CHARS}})\\.([A-Za-z0-9_-]{${SIGNATURE_CHARS}})$`,
);

/** Splits a scanned token into its claims segment and signature; null when it is not one. */
export function splitBadgeToken(token: string): { claims: string; sig: string } | null {
  const m = TOKEN.exec(token.trim());
  return m ? { claims: m[1]!, sig: m[2]! } : null;
}
