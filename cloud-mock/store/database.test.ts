import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate as migrateWith } from '../../src/shared/node/sqlite';
import { migrations } from './migrations';

const migrate = (db: Database.Database, m: typeof migrations) =>
  migrateWith(db, m, 'cloud database');

describe('cloud store migrations', () => {
  it('migration 1 builds STRICT tables on :memory: and records user_version', () => {
    const db = new Database(':memory:');
    migrate(db, migrations);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    const tables = db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all() as { name: string; sql: string }[];
    expect(tables.map((t) => t.name)).toEqual([
      'badges',
      'chain_breaks',
      'commands',
      'compartments',
      'events',
      'lockers',
      'notifications',
      'parcels',
      'pending_events',
      'returns',
    ]);
    for (const t of tables) expect(t.sql, t.name).toMatch(/\)\s*STRICT$/);
    // STRICT rejects a string where an integer belongs.
    expect(() =>
      db
        .prepare(
          "INSERT INTO lockers (id, name, address, lat, lng, token_hash, provisioned_at, chain_hash) VALUES ('a','n','a',1,1,'t','yesterday','h')",
        )
        .run(),
    ).toThrow(/cannot store TEXT value in INTEGER column/);
    migrate(db, migrations); // a second run is a no-op
    expect(db.pragma('user_version', { simple: true })).toBe(1);
  });

  it('refuses a database newer than the code', () => {
    const db = new Database(':memory:');
    db.pragma('user_version = 99');
    expect(() => migrate(db, migrations)).toThrow(/newer than this software knows/);
  });
});
