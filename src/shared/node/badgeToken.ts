/** Issues and reads signed badge tokens (format in src/shared/badge.ts); cloud and kiosk share it. */
import type { KeyObject } from 'node:crypto';
import { BADGE_PREFIX, badgeClaimsSchema, splitBadgeToken, type BadgeClaims } from '../badge';
import { err, ok, type Result } from '../result';
import { canonicalJson, tryCanonicalJson } from './canonicalJson';
import { signDetached, verifyDetached } from './ed25519';

export function issueBadgeToken(claims: BadgeClaims, cloudPrivateKey: KeyObject): string {
  const canonical = canonicalJson(badgeClaimsSchema.parse(claims));
  return `${BADGE_PREFIX}.${Buffer.from(canonical, 'utf8').toString('base64url')}.${signDetached(canonical, cloudPrivateKey)}`;
}

/** The claims of a well-formed token signed by `cloudPublicKey`; expiry and revocation are the caller's. */
export function readBadgeToken(
  token: string,
  cloudPublicKey: KeyObject,
): Result<BadgeClaims, 'not_a_badge' | 'bad_signature'> {
  const parts = splitBadgeToken(token);
  if (!parts) return err('not_a_badge');
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(parts.claims, 'base64url').toString('utf8'));
  } catch {
    return err('not_a_badge');
  }
  const parsed = badgeClaimsSchema.safeParse(raw);
  if (!parsed.success) return err('not_a_badge');
  const canonical = tryCanonicalJson(parsed.data);
  return canonical !== undefined && verifyDetached(canonical, parts.sig, cloudPublicKey)
    ? ok(parsed.data)
    : err('bad_signature');
}
