import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/shared/node/sqlite';
import {
  deleteLockerAccount,
  getBrokerAccount,
  putCloudAccount,
  putLockerAccount,
} from './brokerAccounts';
import { migrations } from './migrations';

const HASH = 'scrypt$32768$8$1$c2FsdA$aGFzaA';
const upTo = (version: number) => migrations.filter((m) => m.version <= version);

function database(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, upTo(7), 'cloud database');
  db.prepare(
    "INSERT INTO lockers (id, name, address, lat, lng, token_hash, provisioned_at, chain_hash) VALUES ('L-1','n','a',1,1,'t',1,'h')",
  ).run();
  return db;
}

describe('broker accounts (migration 7)', () => {
  it('is a STRICT table that keeps only scrypt hashes, a locker under its own id', () => {
    const db = database();
    expect(db.pragma('user_version', { simple: true })).toBe(7);
    const { sql } = db
      .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'broker_accounts'")
      .get() as { sql: string };
    expect(sql).toMatch(/\)\s*STRICT$/);
    const insert = db.prepare(
      'INSERT INTO broker_accounts (username, kind, locker_id, password_hash, issued_at) VALUES (?, ?, ?, ?, 1)',
    );
    expect(() => insert.run('L-1', 'locker', 'L-1', 'plain-password')).toThrow(/CHECK/);
    expect(() => insert.run('someone', 'locker', 'L-1', HASH)).toThrow(/CHECK/);
    expect(() => insert.run('cloud-x', 'cloud', 'L-1', HASH)).toThrow(/CHECK/);
    expect(() => insert.run('L-2', 'locker', 'L-2', HASH)).toThrow(/FOREIGN KEY/);
    migrate(db, upTo(7), 'cloud database'); // a second run is a no-op
  });

  it('replaces a locker hash on each enrolment and never hands a locker the cloud name', () => {
    const db = database();
    expect(putLockerAccount(db, 'L-1', HASH, 10)).toEqual({ outcome: 'issued', generation: 1 });
    expect(putLockerAccount(db, 'L-1', `${HASH}2`, 20)).toEqual({
      outcome: 'issued',
      generation: 2,
    });
    expect(getBrokerAccount(db, 'L-1')).toMatchObject({
      kind: 'locker',
      lockerId: 'L-1',
      passwordHash: `${HASH}2`,
      issuedAt: 20,
    });
    deleteLockerAccount(db, 'L-1');
    expect(getBrokerAccount(db, 'L-1')).toBeNull();

    expect(putCloudAccount(db, 'cloud-a', HASH, 1)).toBe('stored');
    expect(putCloudAccount(db, 'cloud-b', HASH, 2)).toBe('stored');
    expect(getBrokerAccount(db, 'cloud-a')).toBeNull(); // one cloud account per cloud
    db.prepare(
      "INSERT INTO lockers (id, name, address, lat, lng, token_hash, provisioned_at, chain_hash) VALUES ('cloud-b','n','a',1,1,'t',1,'h')",
    ).run();
    expect(putLockerAccount(db, 'cloud-b', HASH, 3)).toEqual({ outcome: 'taken' });
    expect(getBrokerAccount(db, 'cloud-b')).toMatchObject({ kind: 'cloud' });
    putLockerAccount(db, 'L-1', HASH, 4);
    expect(putCloudAccount(db, 'L-1', HASH, 5)).toBe('taken');
  });
});
