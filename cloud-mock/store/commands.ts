/**
 * Queries on the commands table: every signed command sent, until the device reports on it or
 * its lifetime (`not_after`) ends.
 */
import type { Db } from './database';
import { stmt } from './statements';

export type CommandStatus = 'pending' | 'done' | 'failed';

export interface StoredCommand {
  id: string;
  lockerId: string;
  type: string;
  /** The signed command exactly as published. */
  signed: string;
  status: CommandStatus;
  issuedAt: number;
  /** End of its lifetime (epoch ms), as signed; null: no expiry. */
  notAfter: number | null;
  error: string | null;
  finishedAt: number | null;
  /** When the resend timer sends it next while it is pending (migration 011). */
  nextSendAt: number | null;
  /** Publishes so far, the first included. */
  sendAttempts: number;
  /** JSON of what to restore should the unit refuse it; null: nothing. */
  undo: string | null;
}

interface Row {
  id: string;
  locker_id: string;
  type: string;
  signed: string;
  status: CommandStatus;
  issued_at: number;
  not_after: number | null;
  error: string | null;
  finished_at: number | null;
  next_send_at: number | null;
  send_attempts: number;
  undo: string | null;
}

const fromRow = (r: Row): StoredCommand => ({
  id: r.id,
  lockerId: r.locker_id,
  type: r.type,
  signed: r.signed,
  status: r.status,
  issuedAt: r.issued_at,
  notAfter: r.not_after,
  error: r.error,
  finishedAt: r.finished_at,
  nextSendAt: r.next_send_at,
  sendAttempts: r.send_attempts,
  undo: r.undo,
});

export function insertCommand(
  db: Db,
  c: Pick<
    StoredCommand,
    'id' | 'lockerId' | 'type' | 'signed' | 'issuedAt' | 'notAfter' | 'nextSendAt'
  >,
): void {
  stmt(
    db,
    `INSERT INTO commands (id, locker_id, type, signed, status, issued_at, not_after, next_send_at)
     VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)`,
  ).run(c.id, c.lockerId, c.type, c.signed, c.issuedAt, c.notAfter, c.nextSendAt);
}

/** What to restore should the unit refuse this command (JSON). */
export function setUndo(db: Db, id: string, undo: unknown): void {
  stmt(db, 'UPDATE commands SET undo = ? WHERE id = ?').run(JSON.stringify(undo), id);
}

/** Pending commands whose resend time has come, oldest first (through commands_due). */
export function listDueCommands(db: Db, now: number, limit: number): StoredCommand[] {
  return (
    stmt(
      db,
      `SELECT * FROM commands WHERE status = 'pending' AND next_send_at <= ?
         ORDER BY next_send_at LIMIT ?`,
    ).all(now, limit) as Row[]
  ).map(fromRow);
}

/** Records a resend: one more attempt, the next one due at `next`. */
export function markResent(db: Db, id: string, next: number): void {
  stmt(
    db,
    `UPDATE commands SET send_attempts = send_attempts + 1, next_send_at = ?
       WHERE id = ? AND status = 'pending'`,
  ).run(next, id);
}

/** Replaces the signed text of a command stored before lifetimes (see Commands.resendPending). */
export function replaceSigned(db: Db, id: string, signed: string): void {
  stmt(db, 'UPDATE commands SET signed = ? WHERE id = ?').run(signed, id);
}

export function getCommand(db: Db, id: string): StoredCommand | null {
  const row = stmt(db, 'SELECT * FROM commands WHERE id = ?').get(id) as Row | undefined;
  return row ? fromRow(row) : null;
}

export function listPendingCommands(db: Db, lockerId: string): StoredCommand[] {
  return (
    stmt(
      db,
      `SELECT * FROM commands WHERE locker_id = ? AND status = 'pending' ORDER BY issued_at, rowid`,
    ).all(lockerId) as Row[]
  ).map(fromRow);
}

export function listCommands(db: Db, lockerId: string): StoredCommand[] {
  return (
    stmt(db, 'SELECT * FROM commands WHERE locker_id = ? ORDER BY issued_at, rowid').all(
      lockerId,
    ) as Row[]
  ).map(fromRow);
}

/**
 * Fails every pending command (of one locker, or all) whose lifetime ended before `now`, with
 * error `expired`; returns them. They are never sent again.
 */
export function expirePendingCommands(
  db: Db,
  now: number,
  lockerId: string | null = null,
): StoredCommand[] {
  return (
    stmt(
      db,
      `UPDATE commands SET status = 'failed', error = 'expired', finished_at = @now
         WHERE status = 'pending' AND not_after < @now
           AND (@lockerId IS NULL OR locker_id = @lockerId)
         RETURNING *`,
    ).all({ now, lockerId }) as Row[]
  ).map(fromRow);
}

/** The first result wins: a later answer to a redelivery changes nothing. */
export function finishCommand(
  db: Db,
  id: string,
  lockerId: string,
  outcome: { ok: boolean; error: string | null },
  at: number,
): boolean {
  const info = stmt(
    db,
    `UPDATE commands SET status = ?, error = ?, finished_at = ?
       WHERE id = ? AND locker_id = ? AND status = 'pending'`,
  ).run(outcome.ok ? 'done' : 'failed', outcome.error, at, id, lockerId);
  return info.changes > 0;
}
