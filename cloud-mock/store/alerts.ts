/**
 * Queries on the alerts table: raised by the unit's events or by the cloud's own observation,
 * cleared by what ends them (a later event, presence, or the time they end at).
 */
import type { Alert, AlertKind } from '../../src/shared/rest/schemas';
import type { Db } from './database';
import { stmt } from './statements';

export interface NewAlert {
  lockerId: string;
  /** Null: the whole locker. */
  compartmentId: string | null;
  kind: AlertKind;
  detail: string;
  /** The event that raised it; null for the cloud's own observation. */
  seq: number | null;
  raisedAt: number;
  /** Cleared by the scheduler at this time unless renewed. */
  endsAt?: number | null;
}

/** What ended an alert: the event (or state snapshot) that said so, or the cloud's clock. */
export interface Clearing {
  at: number;
  seq: number | null;
  reason: string;
}

/** An alert just cleared: enough to tell the dashboards. */
export interface ClearedAlert {
  id: number;
  lockerId: string;
  compartmentId: string | null;
  kind: AlertKind;
}

interface Row {
  id: number;
  locker_id: string;
  compartment_id: string | null;
  kind: AlertKind;
  detail: string;
  seq: number | null;
  raised_at: number;
  ends_at: number | null;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  cleared_at: number | null;
  cleared_seq: number | null;
  cleared_reason: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

const fromRow = (r: Row): Alert => ({
  id: r.id,
  lockerId: r.locker_id,
  compartmentId: r.compartment_id,
  kind: r.kind,
  detail: r.detail,
  seq: r.seq,
  raisedAt: iso(r.raised_at),
  endsAt: r.ends_at === null ? null : iso(r.ends_at),
  acknowledged:
    r.acknowledged_at === null
      ? null
      : { at: iso(r.acknowledged_at), by: r.acknowledged_by ?? 'unknown' },
  cleared:
    r.cleared_at === null
      ? null
      : { at: iso(r.cleared_at), seq: r.cleared_seq, reason: r.cleared_reason ?? '' },
});

const CLEARED_COLUMNS = 'id, locker_id AS lockerId, compartment_id AS compartmentId, kind';

/**
 * One alert per event, and one open alert of a kind per locker for the locker-wide kinds: an
 * insert either would break changes nothing. Returns the new alert's id, or null.
 */
export function insertAlert(db: Db, a: NewAlert): number | null {
  const r = stmt(
    db,
    `INSERT OR IGNORE INTO alerts
       (locker_id, compartment_id, kind, detail, seq, raised_at, ends_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(a.lockerId, a.compartmentId, a.kind, a.detail, a.seq, a.raisedAt, a.endsAt ?? null);
  return r.changes > 0 ? Number(r.lastInsertRowid) : null;
}

/** Renews the locker's open alert of this kind (new words, new end); false when none is open. */
export function renewLockerAlert(
  db: Db,
  lockerId: string,
  kind: AlertKind,
  detail: string,
  endsAt: number | null,
): boolean {
  return (
    stmt(
      db,
      `UPDATE alerts SET detail = ?, ends_at = ?
         WHERE locker_id = ? AND kind = ? AND compartment_id IS NULL AND cleared_at IS NULL`,
    ).run(detail, endsAt, lockerId, kind).changes > 0
  );
}

export function getAlert(db: Db, lockerId: string, id: number): Alert | null {
  const row = stmt(db, 'SELECT * FROM alerts WHERE locker_id = ? AND id = ?').get(lockerId, id) as
    Row | undefined;
  return row ? fromRow(row) : null;
}

/** Newest first (alerts are numbered as raised, and an event's alerts in seq order). */
export function listAlerts(
  db: Db,
  lockerId: string,
  filter: { state: 'open' | 'cleared' | 'all'; limit: number },
): Alert[] {
  const where = { open: 'AND cleared_at IS NULL', cleared: 'AND cleared_at IS NOT NULL', all: '' };
  return (
    stmt(
      db,
      `SELECT * FROM alerts WHERE locker_id = ? ${where[filter.state]}
         ORDER BY id DESC LIMIT ?`,
    ).all(lockerId, filter.limit) as Row[]
  ).map(fromRow);
}

/**
 * Clears the compartment's open alerts of these kinds raised at or before `upToSeq` (a later
 * one is news the clearing fact did not see). Returns those it cleared.
 */
export function clearAlerts(
  db: Db,
  lockerId: string,
  compartmentId: string,
  kinds: readonly AlertKind[],
  upToSeq: number,
  clearing: Clearing,
): ClearedAlert[] {
  return stmt(
    db,
    `UPDATE alerts SET cleared_at = ?, cleared_seq = ?, cleared_reason = ?
       WHERE locker_id = ? AND compartment_id = ? AND cleared_at IS NULL AND seq <= ?
         AND kind IN (${kinds.map(() => '?').join(', ')})
       RETURNING ${CLEARED_COLUMNS}`,
  ).all(
    clearing.at,
    clearing.seq,
    clearing.reason,
    lockerId,
    compartmentId,
    upToSeq,
    ...kinds,
  ) as ClearedAlert[];
}

/** Clears the locker's open locker-wide alert of this kind, if any. */
export function clearLockerAlert(
  db: Db,
  lockerId: string,
  kind: AlertKind,
  clearing: Clearing,
): ClearedAlert[] {
  return stmt(
    db,
    `UPDATE alerts SET cleared_at = ?, cleared_seq = ?, cleared_reason = ?
       WHERE locker_id = ? AND kind = ? AND compartment_id IS NULL AND cleared_at IS NULL
       RETURNING ${CLEARED_COLUMNS}`,
  ).all(clearing.at, clearing.seq, clearing.reason, lockerId, kind) as ClearedAlert[];
}

/** Open alerts whose end time has come, soonest first, at most `limit` (alerts_ending). */
export function clearEndedAlerts(db: Db, now: number, limit: number): ClearedAlert[] {
  return stmt(db, clearEndedAlerts.sql).all({ now, limit }) as ClearedAlert[];
}
clearEndedAlerts.sql = `UPDATE alerts
  SET cleared_at = @now, cleared_seq = NULL, cleared_reason = 'ended: ' || replace(kind, '_', ' ')
  WHERE id IN (SELECT id FROM alerts
    WHERE cleared_at IS NULL AND ends_at IS NOT NULL AND ends_at <= @now
    ORDER BY ends_at LIMIT @limit)
  RETURNING ${CLEARED_COLUMNS}`;

/** The first acknowledgement stands; returns false when the alert was already acknowledged. */
export function acknowledgeAlert(
  db: Db,
  lockerId: string,
  id: number,
  at: number,
  by: string,
): boolean {
  return (
    stmt(
      db,
      `UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ?
         WHERE locker_id = ? AND id = ? AND acknowledged_at IS NULL`,
    ).run(at, by, lockerId, id).changes > 0
  );
}

/** Records one wrong code by the unit's clock and returns how many fell in the last window. */
export function countCodeRejection(
  db: Db,
  lockerId: string,
  at: number,
  seq: number,
  windowMs: number,
): number {
  stmt(db, 'INSERT OR IGNORE INTO code_rejections (locker_id, at, seq) VALUES (?, ?, ?)').run(
    lockerId,
    at,
    seq,
  );
  // Older ones can no longer count towards any window the unit's later events fall in.
  stmt(db, 'DELETE FROM code_rejections WHERE locker_id = ? AND at < ?').run(
    lockerId,
    at - windowMs,
  );
  return (
    stmt(
      db,
      'SELECT COUNT(*) AS n FROM code_rejections WHERE locker_id = ? AND at BETWEEN ? AND ?',
    ).get(lockerId, at - windowMs, at) as { n: number }
  ).n;
}
