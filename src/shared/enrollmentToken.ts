/**
 * The one-time enrolment token the cloud gives at provisioning. It pins the cloud's key, so a
 * man in the middle of the first start cannot install its own:
 * `LKE1.<secret: 24 random bytes>.<pin: SHA-256 of the cloud's raw Ed25519 public key>`, both
 * unpadded base64url. The cloud keeps only a hash of the whole token; the kiosk sends it whole
 * and refuses an answer whose cloud key has another fingerprint.
 */
export const ENROLLMENT_TOKEN_PREFIX = 'LKE1';

export const ENROLLMENT_TOKEN_PATTERN = /^LKE1\.([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{43})$/;

export const ENROLLMENT_TOKEN_FORM = 'LKE1.<32-character secret>.<43-character cloud key pin>';

/** The SHA-256 fingerprint (base64url) of the cloud key a token pins; null when not a token. */
export function pinnedCloudKey(token: string): string | null {
  return ENROLLMENT_TOKEN_PATTERN.exec(token)?.[2] ?? null;
}
