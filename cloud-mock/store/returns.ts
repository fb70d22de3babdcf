/** Queries on the returns table. */
import type { ReturnState, Size } from '../../src/shared/domain';
import type { Db } from './database';
import { stmt } from './statements';

export interface CloudReturn {
  returnId: string;
  lockerId: string;
  size: Size;
  state: ReturnState;
  customer: string;
  returnCode: string | null;
  codeDigest: string;
  /** The QR issued with the code (`LKR2:…`), kept and cleared like it; null before QRs. */
  qrPayload: string | null;
  compartmentId: string | null;
  createdAt: number;
  closedAt: number | null;
}

interface Row {
  return_id: string;
  locker_id: string;
  size: Size;
  state: ReturnState;
  customer: string;
  return_code: string | null;
  code_digest: string;
  qr_payload: string | null;
  compartment_id: string | null;
  created_at: number;
  closed_at: number | null;
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
});

export function insertReturn(db: Db, r: CloudReturn): void {
  stmt(
    db,
    `INSERT INTO returns (return_id, locker_id, size, state, customer, return_code, code_digest,
       qr_payload, compartment_id, created_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
       closed_at = ? WHERE return_id = ?`,
  ).run(r.state, r.returnCode, r.qrPayload, r.compartmentId, r.closedAt, r.returnId);
}

export function listReturns(db: Db, lockerId: string): CloudReturn[] {
  return (
    stmt(db, 'SELECT * FROM returns WHERE locker_id = ? ORDER BY created_at DESC').all(
      lockerId,
    ) as Row[]
  ).map(fromRow);
}

export function countExpectedReturnsBySize(db: Db, lockerId: string): Map<Size, number> {
  const rows = stmt(
    db,
    `SELECT size, COUNT(*) AS n FROM returns WHERE locker_id = ? AND state = 'expected'
       GROUP BY size`,
  ).all(lockerId) as { size: Size; n: number }[];
  return new Map(rows.map((r) => [r.size, r.n]));
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
