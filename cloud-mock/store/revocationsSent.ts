/**
 * Queries on revocations_sent and the revocation list: which revoked badges each locker's
 * enrolment has been sent, and by which credentials.revoke command.
 */
import type { Db } from './database';
import { stmt } from './statements';

/** Revoked, not yet expired, and valid at this locker (no locker list, or one naming it). */
const REVOKED_HERE = `
  b.revoked_at IS NOT NULL AND b.expires_at > @now
  AND (b.lockers IS NULL OR EXISTS (SELECT 1 FROM json_each(b.lockers) WHERE value = @lockerId))`;

/** The locker's current revocation list: badge ids in id order. */
export function listRevokedAt(db: Db, lockerId: string, now: number): string[] {
  return (
    stmt(db, `SELECT b.id FROM badges b WHERE ${REVOKED_HERE} ORDER BY b.id`).all({
      lockerId,
      now,
    }) as { id: string }[]
  ).map((r) => r.id);
}

/**
 * How many badges on the list this enrolment of the locker has not been sent by a command that
 * is still pending or was applied.
 */
export function countUnsentRevocations(
  db: Db,
  lockerId: string,
  enrolment: string,
  now: number,
): number {
  const row = stmt(
    db,
    `SELECT count(*) AS n FROM badges b WHERE ${REVOKED_HERE}
         AND NOT EXISTS (
           SELECT 1 FROM revocations_sent s JOIN commands c ON c.id = s.command_id
           WHERE s.locker_id = @lockerId AND s.badge_id = b.id
             AND s.enrolment = @enrolment AND c.status != 'failed')`,
  ).get({ lockerId, enrolment, now }) as { n: number };
  return row.n;
}

export function recordRevocationsSent(
  db: Db,
  sent: { lockerId: string; enrolment: string; commandId: string; badgeIds: readonly string[] },
): void {
  const insert = stmt(
    db,
    `INSERT OR IGNORE INTO revocations_sent (locker_id, badge_id, enrolment, command_id)
     VALUES (?, ?, ?, ?)`,
  );
  for (const badgeId of sent.badgeIds)
    insert.run(sent.lockerId, badgeId, sent.enrolment, sent.commandId);
}
