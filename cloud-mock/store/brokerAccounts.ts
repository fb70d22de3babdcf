/** Queries on the broker_accounts table: who may connect to the broker, as a hash per username. */
import type { Db } from './database';
import { stmt } from './statements';

export type BrokerAccountKind = 'cloud' | 'locker';

export interface BrokerAccount {
  username: string;
  kind: BrokerAccountKind;
  lockerId: string | null;
  passwordHash: string;
  issuedAt: number;
  /** 1 for the first identity; each enrolment after that adds one. */
  generation: number;
}

interface Row {
  username: string;
  kind: BrokerAccountKind;
  locker_id: string | null;
  password_hash: string;
  issued_at: number;
  generation: number;
}

const fromRow = (r: Row): BrokerAccount => ({
  username: r.username,
  kind: r.kind,
  lockerId: r.locker_id,
  passwordHash: r.password_hash,
  issuedAt: r.issued_at,
  generation: r.generation,
});

export function getBrokerAccount(db: Db, username: string): BrokerAccount | null {
  const row = stmt(db, 'SELECT * FROM broker_accounts WHERE username = ?').get(username) as
    Row | undefined;
  return row ? fromRow(row) : null;
}

/**
 * Gives the locker this password hash in place of any earlier one: 'taken' (and nothing
 * changes) when the cloud's account already holds the locker's id as its username.
 */
export function putLockerAccount(
  db: Db,
  lockerId: string,
  passwordHash: string,
  at: number,
): { outcome: 'issued'; generation: number } | { outcome: 'taken' } {
  const existing = getBrokerAccount(db, lockerId);
  if (existing && existing.kind !== 'locker') return { outcome: 'taken' };
  stmt(
    db,
    `INSERT INTO broker_accounts (username, kind, locker_id, password_hash, issued_at)
     VALUES (?, 'locker', ?, ?, ?)
     ON CONFLICT (username) DO UPDATE SET
       password_hash = excluded.password_hash,
       issued_at = excluded.issued_at,
       generation = generation + 1`,
  ).run(lockerId, lockerId, passwordHash, at);
  return { outcome: 'issued', generation: getBrokerAccount(db, lockerId)!.generation };
}

/** Records the cloud's own account (one per cloud: any earlier one goes); 'taken' by a locker. */
export function putCloudAccount(
  db: Db,
  username: string,
  passwordHash: string,
  at: number,
): 'stored' | 'taken' {
  const existing = getBrokerAccount(db, username);
  if (existing && existing.kind !== 'cloud') return 'taken';
  db.transaction(() => {
    stmt(db, `DELETE FROM broker_accounts WHERE kind = 'cloud' AND username <> ?`).run(username);
    stmt(
      db,
      `INSERT INTO broker_accounts (username, kind, locker_id, password_hash, issued_at)
       VALUES (?, 'cloud', NULL, ?, ?)
       ON CONFLICT (username) DO UPDATE SET
         password_hash = excluded.password_hash, issued_at = excluded.issued_at`,
    ).run(username, passwordHash, at);
  })();
  return 'stored';
}

/** Forgets a locker's account (its first identity, when the broker did not take it). */
export function deleteLockerAccount(db: Db, lockerId: string): void {
  stmt(db, `DELETE FROM broker_accounts WHERE kind = 'locker' AND locker_id = ?`).run(lockerId);
}
