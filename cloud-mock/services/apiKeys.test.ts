import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { API_KEY_PATTERN } from '../../src/shared/rest/apiKeys';
import { openDatabase, type Db } from '../store/database';
import { apiKeys, checkApiKey, mintApiKey, revokeKey } from './apiKeys';

let dir: string;
let db: Db;
const open = () => {
  dir = mkdtempSync(join(tmpdir(), 'api-keys-'));
  db = openDatabase(join(dir, 'cloud.sqlite'));
  return db;
};
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('API keys', () => {
  it('mints 256 random bits behind a readable prefix and its public id', () => {
    open();
    const a = mintApiKey(db, { role: 'merchant', label: 'shop' }, 1000, randomBytes);
    const b = mintApiKey(db, { role: 'merchant', label: 'shop' }, 1000, randomBytes);
    const [, id, secret] = API_KEY_PATTERN.exec(a.key)!;
    expect(a.key.startsWith('plk_')).toBe(true);
    expect(id).toBe(a.record.id);
    expect(Buffer.from(secret!, 'base64url')).toHaveLength(32);
    expect(b.key).not.toBe(a.key);
    expect(b.record.id).not.toBe(a.record.id);
    expect(apiKeys(db).map((k) => k.label)).toEqual(['shop', 'shop']);
  });

  it('keeps only a hash: the key is nowhere in the SQLite files', () => {
    open();
    const { key } = mintApiKey(db, { role: 'operator', label: 'ops' }, 1000, randomBytes);
    const [, , secret] = API_KEY_PATTERN.exec(key)!;
    db.pragma('wal_checkpoint(TRUNCATE)');
    for (const file of readdirSync(dir)) {
      const bytes = readFileSync(join(dir, file)).toString('latin1');
      expect(bytes, file).not.toContain(secret);
      expect(bytes, file).not.toContain(Buffer.from(secret!, 'base64url').toString('latin1'));
    }
  });

  it('accepts a live key and says why it refuses any other', () => {
    open();
    const { key, record } = mintApiKey(db, { role: 'dashboard', label: 'wall' }, 1000, randomBytes);
    expect(checkApiKey(db, key)).toEqual({ ok: true, value: record });
    const otherSecret = key.slice(0, 17) + randomBytes(32).toString('base64url');
    expect(checkApiKey(db, otherSecret)).toEqual({ ok: false, error: 'unknown_key' });
    expect(checkApiKey(db, `plk_ffffffffffff_${'A'.repeat(43)}`)).toEqual({
      ok: false,
      error: 'unknown_key',
    });
    for (const bad of ['', key.slice(0, -1), `${key}A`, key.replace('plk_', 'pk_'), ` ${key}`])
      expect(checkApiKey(db, bad)).toEqual({ ok: false, error: 'malformed' });

    expect(revokeKey(db, record.id, 2000)).toMatchObject({ ok: true, value: { revokedAt: 2000 } });
    expect(revokeKey(db, record.id, 3000)).toMatchObject({ value: { revokedAt: 2000 } });
    expect(checkApiKey(db, key)).toEqual({ ok: false, error: 'revoked' });
    expect(revokeKey(db, '000000000000', 3000)).toEqual({ ok: false, error: 'unknown_key' });
  });
});
