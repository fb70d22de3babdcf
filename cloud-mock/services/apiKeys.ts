/**
 * API keys for the REST API: minted from 256 random bits with a readable prefix, kept only as
 * a SHA-256 hash, and checked in constant time against the stored hash of the key's id.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { API_KEY_PATTERN, type ApiRole } from '../../src/shared/rest/apiKeys';
import { err, ok, type Result } from '../../src/shared/result';
import type { Db } from '../store/database';
import {
  findApiKey,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
  type ApiKeyRecord,
} from '../store/apiKeys';

export type { ApiKeyRecord };

/** Why a presented key is not accepted (each answers 401; the reason goes to the log only). */
export type KeyRefusal = 'malformed' | 'unknown_key' | 'revoked';

const SECRET_BYTES = 32;
const ID_BYTES = 6;

const hashOf = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();
// Compared against when the id is unknown, so that answer takes as long as a wrong secret.
const NO_KEY = hashOf('plk_000000000000_no-such-key');

export interface MintedKey {
  /** The key itself: shown once, never stored. */
  key: string;
  record: ApiKeyRecord;
}

export function mintApiKey(
  db: Db,
  request: { role: ApiRole; label: string },
  now: number,
  randomBytes: (size: number) => Buffer,
): MintedKey {
  for (;;) {
    const id = randomBytes(ID_BYTES).toString('hex');
    if (findApiKey(db, id)) continue; // 48-bit ids: a clash is a curiosity, not a failure
    const key = `plk_${id}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
    const record: ApiKeyRecord = { id, ...request, createdAt: now, revokedAt: null };
    insertApiKey(db, record, hashOf(key).toString('hex'));
    return { key, record };
  }
}

/** The key's record when `presented` is a live key the cloud issued. */
export function checkApiKey(db: Db, presented: string): Result<ApiKeyRecord, KeyRefusal> {
  const id = API_KEY_PATTERN.exec(presented)?.[1];
  if (!id) return err('malformed');
  const found = findApiKey(db, id);
  const stored = found ? Buffer.from(found.keyHash, 'hex') : NO_KEY;
  const matches = timingSafeEqual(hashOf(presented), stored);
  if (!found || !matches) return err('unknown_key');
  if (found.key.revokedAt !== null) return err('revoked');
  return ok(found.key);
}

export function apiKeys(db: Db): ApiKeyRecord[] {
  return listApiKeys(db);
}

export function revokeKey(db: Db, id: string, now: number): Result<ApiKeyRecord, 'unknown_key'> {
  if (!revokeApiKey(db, id, now)) return err('unknown_key');
  return ok(findApiKey(db, id)!.key);
}
