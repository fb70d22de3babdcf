/** Courier and staff badges signed with the cloud key, and their revocation on every locker. */
import { BADGE_TOKEN_MAX_LENGTH } from '../../src/shared/badge';
import { issueBadgeToken } from '../../src/shared/node/badgeToken';
import { ok, type Result } from '../../src/shared/result';
import type { BadgeRequest, BadgeResponse } from '../../src/shared/rest/schemas';
import { getBadge, insertBadge, revokeBadge } from '../store/badges';
import { listLockers } from '../store/lockers';
import type { Commands } from './commands';
import { DAY_MS, iso, type CloudContext } from './context';
import { notFound, refuse, type Refusal } from './refusal';

/** Signs a badge and records it; refuses (422) one too long for the kiosk's scanner path. */
export function issueBadge(ctx: CloudContext, req: BadgeRequest): Result<BadgeResponse, Refusal> {
  const now = ctx.clock.now();
  const badgeId = `${req.role}-${ctx.newId()}`;
  const expiresAt = now + req.validDays * DAY_MS;
  const token = issueBadgeToken(
    {
      id: badgeId,
      role: req.role,
      sub: req.subject,
      ...(req.lockers ? { lockers: req.lockers } : {}),
      iat: iso(now),
      exp: iso(expiresAt),
    },
    ctx.signingKey,
  );
  if (token.length > BADGE_TOKEN_MAX_LENGTH)
    return refuse(
      422,
      'badge_too_long',
      `the badge token would be ${token.length} characters; a kiosk reads at most ${BADGE_TOKEN_MAX_LENGTH}: list fewer lockers (or none, for every locker) or shorten their ids`,
    );
  insertBadge(ctx.db, {
    id: badgeId,
    role: req.role,
    subject: req.subject,
    lockers: req.lockers ?? null,
    issuedAt: now,
    expiresAt,
    revokedAt: null,
  });
  return ok({ badgeId, token, expiresAt: iso(expiresAt) });
}

/** Sends credentials.revoke to every enrolled locker (again on each call: it is idempotent). */
export async function revokeBadgeEverywhere(
  ctx: CloudContext,
  commands: Commands,
  badgeId: string,
): Promise<Result<{ badgeId: string; revoked: true; commandIds: string[] }, Refusal>> {
  const result = ctx.db
    .transaction(() => {
      if (!getBadge(ctx.db, badgeId)) return notFound('badge');
      revokeBadge(ctx.db, badgeId, ctx.clock.now());
      const commandIds = listLockers(ctx.db)
        .filter((l) => l.enrolledAt !== null)
        .map((l) => commands.issue(l.id, 'credentials.revoke', { badgeIds: [badgeId] }));
      return ok({ badgeId, revoked: true as const, commandIds });
    })
    .immediate();
  if (result.ok) await commands.flush();
  return result;
}
