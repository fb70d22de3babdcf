/** Queries on the returns table. */
import type { ReturnState, Size } from '../../shared/domain';
import type { Db } from './database';
import { stmt } from './statements';

export interface ReturnParcel {
  id: string;
  codeDigest: string;
  /** HMAC-SHA256 of the return QR payload (src/shared/qrToken.ts); null: no QR token. */
  qrDigest?: string | null;
  state: ReturnState;
  /** The size the cloud expects the return to need; "doesn't fit" moves up from here. */
  size: Size;
  compartmentId: string | null;
  expectedAt: number;
  depositedAt: number | null;
  collectedAt: number | null;
}

interface Row {
  id: string;
  code_digest: string;
  qr_digest: string | null;
  state: ReturnState;
  size: Size;
  compartment_id: string | null;
  expected_at: number;
  deposited_at: number | null;
  collected_at: number | null;
}

const fromRow = (r: Row): ReturnParcel => ({
  id: r.id,
  codeDigest: r.code_digest,
  qrDigest: r.qr_digest,
  state: r.state,
  size: r.size,
  compartmentId: r.compartment_id,
  expectedAt: r.expected_at,
  depositedAt: r.deposited_at,
  collectedAt: r.collected_at,
});

export function insertReturn(db: Db, r: ReturnParcel): void {
  stmt(
    db,
    `INSERT INTO returns (id, code_digest, qr_digest, state, size, compartment_id, expected_at, deposited_at, collected_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    r.id,
    r.codeDigest,
    r.qrDigest ?? null,
    r.state,
    r.size,
    r.compartmentId,
    r.expectedAt,
    r.depositedAt,
    r.collectedAt,
  );
}

export function saveReturn(db: Db, r: ReturnParcel): void {
  stmt(
    db,
    `UPDATE returns SET code_digest = ?, qr_digest = ?, state = ?, size = ?, compartment_id = ?, deposited_at = ?,
       collected_at = ? WHERE id = ?`,
  ).run(
    r.codeDigest,
    r.qrDigest ?? null,
    r.state,
    r.size,
    r.compartmentId,
    r.depositedAt,
    r.collectedAt,
    r.id,
  );
}

/** Forgets an expected return (cancelled by the cloud); one dropped is never deleted. */
export function deleteExpectedReturn(db: Db, id: string): void {
  stmt(db, `DELETE FROM returns WHERE id = ? AND state = 'expected'`).run(id);
}

export function getReturn(db: Db, id: string): ReturnParcel | undefined {
  const row = stmt(db, 'SELECT * FROM returns WHERE id = ?').get(id) as Row | undefined;
  return row && fromRow(row);
}

export function listReturnsInState(db: Db, state: ReturnState): ReturnParcel[] {
  return (stmt(db, 'SELECT * FROM returns WHERE state = ? ORDER BY rowid').all(state) as Row[]).map(
    fromRow,
  );
}

/**
 * The expected return whose code or QR token has this digest, found through its index
 * (migration 11); the oldest one should two ever share a digest.
 */
export function returnForDeposit(
  db: Db,
  of: 'code' | 'qr',
  digest: string,
): ReturnParcel | undefined {
  const sql =
    of === 'code'
      ? `SELECT * FROM returns INDEXED BY returns_by_code_digest WHERE code_digest = ?
           AND state = 'expected' ORDER BY rowid LIMIT 1`
      : `SELECT * FROM returns INDEXED BY returns_by_qr_digest WHERE qr_digest = ?
           AND state = 'expected' ORDER BY rowid LIMIT 1`;
  const row = stmt(db, sql).get(digest) as Row | undefined;
  return row && fromRow(row);
}

export function returnInCompartment(db: Db, compartmentId: string): ReturnParcel | undefined {
  const row = stmt(
    db,
    `SELECT * FROM returns WHERE compartment_id = ? AND state = 'deposited'`,
  ).get(compartmentId) as Row | undefined;
  return row && fromRow(row);
}
