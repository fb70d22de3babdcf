/** Courier and staff badges signed with the cloud key, and their revocation on every locker. */
import { issueBadgeToken } from '../../src/shared/node/badgeToken';
import { ok, type Result } from '../../src/shared/result';
import type { BadgeRequest } from '../../src/shared/rest/schemas';
import { getBadge, insertBadge, revokeBadge } from '../store/badges';
import { listLockers } from '../store/lockers';
import type { Commands } from './commands';
import { DAY_MS, iso, type CloudContext } from './context';
import { notFound, type Refusal } from './refusal';

export function issueBadge(
  ctx: CloudContext,
  req: BadgeRequest,
): { badgeId: string; token: string; expiresAt: string } {
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
  insertBadge(ctx.db, {
    id: badgeId,
    role: req.role,
    subject: req.subject,
    lockers: req.lockers ?? null,
    issuedAt: now,
    expiresAt,
    revokedAt: null,
  });
  return { badgeId, token, expiresAt: iso(expiresAt) };
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
