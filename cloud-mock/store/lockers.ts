/**
 * Queries on the lockers table: provisioning, enrolment, policy (code length), presence, chain
 * head, snapshot.
 */
import { recordSnapshotCompartments } from './compartments';
import type { Db } from './database';
import { stmt } from './statements';

export interface Locker {
  id: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
  tokenHash: string;
  provisionedAt: number;
  enrolledAt: number | null;
  devicePublicKey: string | null;
  codeDigestKey: string | null;
  presence: 'online' | 'offline' | 'unknown';
  presenceAt: number | null;
  chainSeq: number;
  chainHash: string;
  flagged: boolean;
  snapshot: string | null;
  snapshotSeq: number | null;
  snapshotAt: number | null;
  /** Digits of the codes the cloud issues this locker (6–10). */
  codeLength: number;
}

interface Row {
  id: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
  token_hash: string;
  provisioned_at: number;
  enrolled_at: number | null;
  device_public_key: string | null;
  code_digest_key: string | null;
  presence: Locker['presence'];
  presence_at: number | null;
  chain_seq: number;
  chain_hash: string;
  flagged: number;
  snapshot: string | null;
  snapshot_seq: number | null;
  snapshot_at: number | null;
  code_length: number;
}

const fromRow = (r: Row): Locker => ({
  id: r.id,
  name: r.name,
  address: r.address,
  lat: r.lat,
  lng: r.lng,
  tokenHash: r.token_hash,
  provisionedAt: r.provisioned_at,
  enrolledAt: r.enrolled_at,
  devicePublicKey: r.device_public_key,
  codeDigestKey: r.code_digest_key,
  presence: r.presence,
  presenceAt: r.presence_at,
  chainSeq: r.chain_seq,
  chainHash: r.chain_hash,
  flagged: r.flagged === 1,
  snapshot: r.snapshot,
  snapshotSeq: r.snapshot_seq,
  snapshotAt: r.snapshot_at,
  codeLength: r.code_length,
});

export function insertLocker(
  db: Db,
  l: Pick<
    Locker,
    | 'id'
    | 'name'
    | 'address'
    | 'lat'
    | 'lng'
    | 'tokenHash'
    | 'provisionedAt'
    | 'chainHash'
    | 'codeLength'
  >,
): void {
  stmt(
    db,
    `INSERT INTO lockers
       (id, name, address, lat, lng, token_hash, provisioned_at, chain_hash, code_length)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    l.id,
    l.name,
    l.address,
    l.lat,
    l.lng,
    l.tokenHash,
    l.provisionedAt,
    l.chainHash,
    l.codeLength,
  );
}

export function getLocker(db: Db, id: string): Locker | null {
  const row = stmt(db, 'SELECT * FROM lockers WHERE id = ?').get(id) as Row | undefined;
  return row ? fromRow(row) : null;
}

export function listLockers(db: Db): Locker[] {
  return (stmt(db, 'SELECT * FROM lockers ORDER BY id').all() as Row[]).map(fromRow);
}

export function setEnrollment(
  db: Db,
  id: string,
  keys: { devicePublicKey: string; codeDigestKey: string },
  at: number,
): void {
  stmt(
    db,
    'UPDATE lockers SET enrolled_at = ?, device_public_key = ?, code_digest_key = ? WHERE id = ?',
  ).run(at, keys.devicePublicKey, keys.codeDigestKey, id);
}

export function setCodeLength(db: Db, id: string, codeLength: number): void {
  stmt(db, 'UPDATE lockers SET code_length = ? WHERE id = ?').run(codeLength, id);
}

export function setPresence(db: Db, id: string, presence: 'online' | 'offline', at: number): void {
  stmt(db, 'UPDATE lockers SET presence = ?, presence_at = ? WHERE id = ?').run(presence, at, id);
}

export function setChainHead(db: Db, id: string, seq: number, hash: string): void {
  stmt(db, 'UPDATE lockers SET chain_seq = ?, chain_hash = ? WHERE id = ?').run(seq, hash, id);
}

export function flagLocker(db: Db, id: string): void {
  stmt(db, 'UPDATE lockers SET flagged = 1 WHERE id = ?').run(id);
}

/** Keeps the unit's latest state snapshot, and beside each compartment what it says of it. */
export function setSnapshot(db: Db, id: string, json: string, seq: number, at: number): void {
  recordSnapshotCompartments(db, id, json, seq);
  stmt(db, 'UPDATE lockers SET snapshot = ?, snapshot_seq = ?, snapshot_at = ? WHERE id = ?').run(
    json,
    seq,
    at,
    id,
  );
}

/**
 * Lockers offline since at or before `before` with no open `offline` alert, longest first, at
 * most `limit` (lockers_by_presence): each page raised is gone from the next.
 */
export function offlineWithoutAlert(
  db: Db,
  before: number,
  limit: number,
): { id: string; presenceAt: number }[] {
  return stmt(db, offlineWithoutAlert.sql).all(before, limit) as {
    id: string;
    presenceAt: number;
  }[];
}
offlineWithoutAlert.sql = `SELECT id, presence_at AS presenceAt FROM lockers AS l
  WHERE presence = 'offline' AND presence_at <= ?
    AND NOT EXISTS (SELECT 1 FROM alerts AS a WHERE a.locker_id = l.id AND a.kind = 'offline'
      AND a.compartment_id IS NULL AND a.cleared_at IS NULL)
  ORDER BY presence_at LIMIT ?`;
