import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type Db } from '../../src/shared/node/sqlite';
import { startCheckpointer } from './checkpointer';

describe('checkpoints off the main thread', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'checkpointer-'));
    db = openSqlite(
      join(dir, 'db.sqlite'),
      [{ version: 1, name: 't', up: 'CREATE TABLE t (n INTEGER PRIMARY KEY, v TEXT) STRICT;' }],
      'test database',
    );
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const dbBytes = () => statSync(db.name).size;

  it('copies what the main connection logs into the database, though that connection no longer does it itself', async () => {
    const checkpoints = startCheckpointer(db, pino({ level: 'silent' }), 20);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(20_000);
    expect(dbBytes()).toBeLessThan(100_000);
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    // About 3 MB: three times what SQLite's own threshold would checkpoint in a COMMIT.
    db.transaction(() => {
      for (let i = 0; i < 3_000; i++) insert.run('x'.repeat(1_000));
    })();
    const deadline = Date.now() + 5_000;
    while (dbBytes() < 3_000_000 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(dbBytes()).toBeGreaterThan(3_000_000);
    await checkpoints.close();
    // Without its worker, the main connection checkpoints at SQLite's own threshold again.
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000);
  });
});

describe('closing the checkpointer', () => {
  it('finishes when nothing else keeps the process alive (a cloud shutting down)', () => {
    const script = new URL('./testSupport/closeCheckpointer.ts', import.meta.url).pathname;
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    // 13: Node ended the process with the close still awaited (its worker unref'd).
    expect({ status: r.status, out: r.stdout }).toEqual({ status: 0, out: 'closed\n' });
  });
});
