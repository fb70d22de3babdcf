/** Badges the cloud has revoked; checked on every badge login, offline included. */
import type { Db } from './database';
import { stmt } from './statements';

export function revokeBadge(db: Db, badgeId: string, at: number): void {
  stmt(db, 'INSERT OR IGNORE INTO revoked_badges (badge_id, revoked_at) VALUES (?, ?)').run(
    badgeId,
    at,
  );
}

export function isBadgeRevoked(db: Db, badgeId: string): boolean {
  return stmt(db, 'SELECT 1 FROM revoked_badges WHERE badge_id = ?').get(badgeId) !== undefined;
}
