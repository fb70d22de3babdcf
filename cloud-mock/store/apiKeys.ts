/** Queries on the api_keys table: the REST API's keys, stored as hashes, and their revocation. */
import type { ApiRole } from '../../src/shared/rest/apiKeys';
import type { Db } from './database';
import { stmt } from './statements';

export interface ApiKeyRecord {
  id: string;
  role: ApiRole;
  label: string;
  createdAt: number;
  revokedAt: number | null;
}

interface Row {
  id: string;
  role: ApiRole;
  label: string;
  key_hash: string;
  created_at: number;
  revoked_at: number | null;
}

const record = (r: Row): ApiKeyRecord => ({
  id: r.id,
  role: r.role,
  label: r.label,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

export function insertApiKey(db: Db, key: ApiKeyRecord, keyHash: string): void {
  stmt(
    db,
    `INSERT INTO api_keys (id, role, label, key_hash, created_at, revoked_at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(key.id, key.role, key.label, keyHash, key.createdAt, key.revokedAt);
}

/** The key with this id and its stored hash, for checking a presented key. */
export function findApiKey(db: Db, id: string): { key: ApiKeyRecord; keyHash: string } | null {
  const r = stmt(db, 'SELECT * FROM api_keys WHERE id = ?').get(id) as Row | undefined;
  return r ? { key: record(r), keyHash: r.key_hash } : null;
}

export function listApiKeys(db: Db): ApiKeyRecord[] {
  return (stmt(db, 'SELECT * FROM api_keys ORDER BY created_at, id').all() as Row[]).map(record);
}

/** Marks the key revoked (the first revocation time stays); false if there is no such key. */
export function revokeApiKey(db: Db, id: string, at: number): boolean {
  return (
    stmt(db, 'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(at, id)
      .changes === 1
  );
}
