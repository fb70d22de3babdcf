/**
 * Courier and staff badges signed with the cloud key, and their revocation on every locker: at
 * once on each enrolled locker, and as the full revocation list to a locker that comes online
 * missing any of it (enrolled after the revocation, or the command to it failed).
 */
import { BADGE_TOKEN_MAX_LENGTH } from '../../src/shared/badge';
import { issueBadgeToken } from '../../src/shared/node/badgeToken';
import { ok, type Result } from '../../src/shared/result';
import type { BadgeRequest, BadgeResponse } from '../../src/shared/rest/schemas';
import { getBadge, insertBadge, revokeBadge } from '../store/badges';
import { getLocker, listLockers, type Locker } from '../store/lockers';
import {
  countUnsentRevocations,
  listRevokedAt,
  recordRevocationsSent,
} from '../store/revocationsSent';
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
      const commandIds: string[] = [];
      for (const l of listLockers(ctx.db)) {
        const enrolment = enrolmentOf(l);
        if (enrolment === null) continue;
        const commandId = commands.issue(l.id, 'credentials.revoke', { badgeIds: [badgeId] });
        recordRevocationsSent(ctx.db, {
          lockerId: l.id,
          enrolment,
          commandId,
          badgeIds: [badgeId],
        });
        commandIds.push(commandId);
      }
      return ok({ badgeId, revoked: true as const, commandIds });
    })
    .immediate();
  if (result.ok) await commands.flush();
  return result;
}

/** Which enrolment of a locker a revocation went to; null before it has enrolled. */
function enrolmentOf(l: Locker): string | null {
  return l.enrolledAt === null || l.devicePublicKey === null
    ? null
    : `${l.enrolledAt}:${l.devicePublicKey}`;
}

/** The most badge ids one credentials.revoke carries (its payload schema's limit). */
export const REVOCATIONS_PER_COMMAND = 1000;

/**
 * Sends an enrolled locker the full list of revoked badges that have not expired (in commands of
 * up to 1000), unless its enrolment has been sent every one of them already by a command that is
 * pending (resent on its own) or applied. Called each time the locker's presence turns online;
 * returns the commands issued.
 */
export async function sendRevocationList(
  ctx: CloudContext,
  commands: Commands,
  lockerId: string,
): Promise<string[]> {
  const commandIds = ctx.db
    .transaction((): string[] => {
      const locker = getLocker(ctx.db, lockerId);
      const enrolment = locker ? enrolmentOf(locker) : null;
      if (enrolment === null) return [];
      const now = ctx.clock.now();
      if (countUnsentRevocations(ctx.db, lockerId, enrolment, now) === 0) return [];
      const list = listRevokedAt(ctx.db, lockerId, now);
      const ids: string[] = [];
      for (let i = 0; i < list.length; i += REVOCATIONS_PER_COMMAND) {
        const badgeIds = list.slice(i, i + REVOCATIONS_PER_COMMAND);
        const commandId = commands.issue(lockerId, 'credentials.revoke', { badgeIds });
        recordRevocationsSent(ctx.db, { lockerId, enrolment, commandId, badgeIds });
        ids.push(commandId);
      }
      ctx.log.info({ lockerId, badges: list.length, commands: ids.length }, 'revocation list sent');
      return ids;
    })
    .immediate();
  if (commandIds.length > 0) await commands.flush();
  return commandIds;
}
