/** Queries on the returns table. */
import type { Size } from '../../src/shared/domain';
import type { CloudReturnState } from '../../src/shared/rest/schemas';
import type { Db } from './database';
import { stmt } from './statements';

export interface CloudReturn {
  returnId: string;
  lockerId: string;
  size: Size;
  state: CloudReturnState;
  customer: string;
  returnCode: string | null;
  codeDigest: string;
  /** The QR issued with the code (`LKR2:…`), kept and cleared like it; null before QRs. */
  qrPayload: string | null;
  compartmentId: string | null;
  createdAt: number;
  closedAt: number | null;
  /** An expected return not dropped by then is cancelled (its compartment let go). */
  lapsesAt: number;
  /** Cancelled or lapsed, not yet confirmed by the unit: still holds a compartment. */
  releasePending: 'cancel' | 'lapse' | null;
  /** What the locker last refused of this return, in words; null: nothing. */
  lockerRefusal: string | null;
}

interface Row {
  return_id: string;
  locker_id: string;
  size: Size;
  state: CloudReturnState;
  customer: string;
  return_code: string | null;
  code_digest: string;
  qr_payload: string | null;
  compartment_id: string | null;
  created_at: number;
  closed_at: number | null;
  lapses_at: number;
  release_pending: 'cancel' | 'lapse' | null;
  locker_refusal: string | null;
}

const fromRow = (r: Row): CloudReturn => ({
  returnId: r.return_id,
  lockerId: r.locker_id,
  size: r.size,
  state: r.state,
  customer: r.customer,
  returnCode: r.return_code,
  codeDigest: r.code_digest,
  qrPayload: r.qr_payload,
  compartmentId: r.compartment_id,
  createdAt: r.created_at,
  closedAt: r.closed_at,
  lapsesAt: r.lapses_at,
  releasePending: r.release_pending,
  lockerRefusal: r.locker_refusal,
});

export function insertReturn(db: Db, r: CloudReturn): void {
  stmt(
    db,
    `INSERT INTO returns (return_id, locker_id, size, state, customer, return_code, code_digest,
       qr_payload, compartment_id, created_at, closed_at, lapses_at, release_pending,
       locker_refusal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.returnId,
    r.lockerId,
    r.size,
    r.state,
    r.customer,
    r.returnCode,
    r.codeDigest,
    r.qrPayload,
    r.compartmentId,
    r.createdAt,
    r.closedAt,
    r.lapsesAt,
    r.releasePending,
    r.lockerRefusal,
  );
}

export function getReturn(db: Db, returnId: string): CloudReturn | null {
  const row = stmt(db, 'SELECT * FROM returns WHERE return_id = ?').get(returnId) as
    Row | undefined;
  return row ? fromRow(row) : null;
}

export function saveReturn(db: Db, r: CloudReturn): void {
  stmt(
    db,
    `UPDATE returns SET state = ?, return_code = ?, qr_payload = ?, compartment_id = ?,
       closed_at = ?, release_pending = ?, locker_refusal = ? WHERE return_id = ?`,
  ).run(
    r.state,
    r.returnCode,
    r.qrPayload,
    r.compartmentId,
    r.closedAt,
    r.releasePending,
    r.lockerRefusal,
    r.returnId,
  );
}

export function listReturns(db: Db, lockerId: string): CloudReturn[] {
  return (
    stmt(db, 'SELECT * FROM returns WHERE locker_id = ? ORDER BY created_at DESC').all(
      lockerId,
    ) as Row[]
  ).map(fromRow);
}

/** Returns holding a compartment: expected, or cancelled or lapsed and not yet confirmed. */
export function listHoldingReturns(db: Db, lockerId: string): CloudReturn[] {
  return (
    stmt(
      db,
      `SELECT * FROM returns WHERE locker_id = ?
         AND (state = 'expected' OR release_pending IS NOT NULL)`,
    ).all(lockerId) as Row[]
  ).map(fromRow);
}

export function countExpectedReturnsBySize(db: Db, lockerId: string): Map<Size, number> {
  const counts = new Map<Size, number>();
  for (const r of listHoldingReturns(db, lockerId))
    counts.set(r.size, (counts.get(r.size) ?? 0) + 1);
  return counts;
}

/** Expected returns whose lapse time has come (through returns_lapsing). */
export function listLapsedReturns(db: Db, now: number): CloudReturn[] {
  return (
    stmt(db, `SELECT * FROM returns WHERE state = 'expected' AND lapses_at <= ?`).all(now) as Row[]
  ).map(fromRow);
}

/** Whether an expected return of the locker has this code digest. */
export function hasActiveReturnDigest(db: Db, lockerId: string, digest: string): boolean {
  return (
    stmt(
      db,
      `SELECT 1 FROM returns WHERE locker_id = ? AND code_digest = ? AND state = 'expected'`,
    ).get(lockerId, digest) !== undefined
  );
}
