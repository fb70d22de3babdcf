/** Queries on the returns table. */
import type { ReturnState, Size } from '../../shared/domain';
import type { Db } from './database';

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
  db.prepare(
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
  db.prepare(
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

export function getReturn(db: Db, id: string): ReturnParcel | undefined {
  const row = db.prepare('SELECT * FROM returns WHERE id = ?').get(id) as Row | undefined;
  return row && fromRow(row);
}

export function listReturnsInState(db: Db, state: ReturnState): ReturnParcel[] {
  return (
    db.prepare('SELECT * FROM returns WHERE state = ? ORDER BY rowid').all(state) as Row[]
  ).map(fromRow);
}

export function returnInCompartment(db: Db, compartmentId: string): ReturnParcel | undefined {
  const row = db
    .prepare(`SELECT * FROM returns WHERE compartment_id = ? AND state = 'deposited'`)
    .get(compartmentId) as Row | undefined;
  return row && fromRow(row);
}
