/** Queries on the alerts table: raised by door and item events, cleared by later ones. */
import type { Alert, AlertKind } from '../../src/shared/rest/schemas';
import type { Db } from './database';
import { stmt } from './statements';

export interface NewAlert {
  lockerId: string;
  compartmentId: string;
  kind: AlertKind;
  detail: string;
  seq: number;
  raisedAt: number;
}

/** What ended an alert: the event (or state snapshot) that said so, its time and seq. */
export interface Clearing {
  at: number;
  seq: number;
  reason: string;
}

interface Row {
  id: number;
  locker_id: string;
  compartment_id: string;
  kind: AlertKind;
  detail: string;
  seq: number;
  raised_at: number;
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
  acknowledged:
    r.acknowledged_at === null
      ? null
      : { at: iso(r.acknowledged_at), by: r.acknowledged_by ?? 'unknown' },
  cleared:
    r.cleared_at === null
      ? null
      : { at: iso(r.cleared_at), seq: r.cleared_seq ?? 0, reason: r.cleared_reason ?? '' },
});

/** One alert per event: a second insert for the same (locker, seq) changes nothing. */
export function insertAlert(db: Db, a: NewAlert): void {
  stmt(
    db,
    `INSERT OR IGNORE INTO alerts (locker_id, compartment_id, kind, detail, seq, raised_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(a.lockerId, a.compartmentId, a.kind, a.detail, a.seq, a.raisedAt);
}

export function getAlert(db: Db, lockerId: string, id: number): Alert | null {
  const row = stmt(db, 'SELECT * FROM alerts WHERE locker_id = ? AND id = ?').get(lockerId, id) as
    Row | undefined;
  return row ? fromRow(row) : null;
}

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
         ORDER BY seq DESC LIMIT ?`,
    ).all(lockerId, filter.limit) as Row[]
  ).map(fromRow);
}

/**
 * Clears the compartment's open alerts of these kinds raised at or before `upToSeq` (a later
 * one is news the clearing fact did not see). Returns how many it cleared.
 */
export function clearAlerts(
  db: Db,
  lockerId: string,
  compartmentId: string,
  kinds: readonly AlertKind[],
  upToSeq: number,
  clearing: Clearing,
): number {
  return stmt(
    db,
    `UPDATE alerts SET cleared_at = ?, cleared_seq = ?, cleared_reason = ?
       WHERE locker_id = ? AND compartment_id = ? AND cleared_at IS NULL AND seq <= ?
         AND kind IN (${kinds.map(() => '?').join(', ')})`,
  ).run(clearing.at, clearing.seq, clearing.reason, lockerId, compartmentId, upToSeq, ...kinds)
    .changes;
}

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
