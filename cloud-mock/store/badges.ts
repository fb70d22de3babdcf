/** Queries on the badges table: issued courier and staff badges and their revocation. */
import type { BadgeRole } from '../../src/shared/domain';
import type { Db } from './database';
import { stmt } from './statements';

export interface IssuedBadge {
  id: string;
  role: BadgeRole;
  subject: string;
  lockers: string[] | null;
  issuedAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

interface Row {
  id: string;
  role: BadgeRole;
  subject: string;
  lockers: string | null;
  issued_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export function insertBadge(db: Db, b: IssuedBadge): void {
  stmt(
    db,
    `INSERT INTO badges (id, role, subject, lockers, issued_at, expires_at, revoked_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    b.id,
    b.role,
    b.subject,
    b.lockers ? JSON.stringify(b.lockers) : null,
    b.issuedAt,
    b.expiresAt,
    b.revokedAt,
  );
}

export function getBadge(db: Db, id: string): IssuedBadge | null {
  const r = stmt(db, 'SELECT * FROM badges WHERE id = ?').get(id) as Row | undefined;
  if (!r) return null;
  return {
    id: r.id,
    role: r.role,
    subject: r.subject,
    lockers: r.lockers ? (JSON.parse(r.lockers) as string[]) : null,
    issuedAt: r.issued_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
  };
}

export function revokeBadge(db: Db, id: string, at: number): void {
  stmt(db, 'UPDATE badges SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(at, id);
}
