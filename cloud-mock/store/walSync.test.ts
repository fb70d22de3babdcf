import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type Db } from '../../src/shared/node/sqlite';
import { fdatasyncFile, KeptOpenSync, WalSync, type DataSync } from './walSync';

/** The real fdatasync, held until the test lets it go, with every file it was asked for. */
function heldSync() {
  const calls: string[] = [];
  const gates: (() => void)[] = [];
  const sync: DataSync = async (file) => {
    calls.push(file);
    await new Promise<void>((resolve) => gates.push(resolve));
    await fdatasyncFile(file);
  };
  const releaseNext = async () => {
    while (gates.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    gates.shift()!();
  };
  return { sync, calls, releaseNext };
}

const settled = async <T>(p: Promise<T>) => {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  return done;
};

describe('WalSync', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wal-sync-'));
    db = openSqlite(
      join(dir, 'db.sqlite'),
      [{ version: 1, name: 't', up: 'CREATE TABLE t (n INTEGER PRIMARY KEY) STRICT;' }],
      'test database',
    );
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const insert = (n: number) => () => db.prepare('INSERT INTO t (n) VALUES (?)').run(n);

  it('commits without forcing the disk for that transaction alone, then the connection is back at FULL', () => {
    const wal = new WalSync(db);
    const during = wal.commit(() => {
      insert(1)();
      return db.pragma('synchronous', { simple: true });
    });
    expect(during).toBe(1); // NORMAL: the COMMIT does not fsync
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL for everyone else
    expect(db.prepare('SELECT n FROM t').all()).toEqual([{ n: 1 }]);
    expect(existsSync(`${db.name}-wal`)).toBe(true);
  });

  it('is back at FULL after a transaction that threw, and stored nothing of it', () => {
    const wal = new WalSync(db);
    expect(() =>
      wal.commit(() => {
        insert(1)();
        throw new Error('no');
      }),
    ).toThrow('no');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.prepare('SELECT n FROM t').all()).toEqual([]);
  });

  it('resolves a sync only after an fdatasync of the WAL that began after the commit; later commits share the next one', async () => {
    const held = heldSync();
    const wal = new WalSync(db, held.sync);
    wal.commit(insert(1));
    const first = wal.sync();
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Committed while the first fdatasync is under way: it may have missed them.
    wal.commit(insert(2));
    const second = wal.sync();
    wal.commit(insert(3));
    const third = wal.sync();
    expect(held.calls).toEqual([`${db.name}-wal`]);

    await held.releaseNext();
    await first;
    expect(await settled(second)).toBe(false);
    expect(held.calls).toHaveLength(2); // the next one started as soon as the first ended
    await held.releaseNext();
    await Promise.all([second, third]);
    expect(held.calls).toHaveLength(2);
  });

  it('fails the callers of a sync that failed, and syncs again for the next', async () => {
    let failures = 1;
    const wal = new WalSync(db, async (file) => {
      if (failures-- > 0) throw new Error('EIO');
      await fdatasyncFile(file);
    });
    wal.commit(insert(1));
    await expect(wal.sync()).rejects.toThrow('EIO');
    wal.commit(insert(2));
    await expect(wal.sync()).resolves.toBeUndefined();
  });
});

describe('KeptOpenSync', () => {
  it('syncs the WAL through one kept handle that still names the WAL after checkpoints rewind and truncate it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wal-kept-'));
    const db = openSqlite(
      join(dir, 'db.sqlite'),
      [{ version: 1, name: 't', up: 'CREATE TABLE t (n INTEGER PRIMARY KEY, v TEXT) STRICT;' }],
      'test database',
    );
    const wal = `${db.name}-wal`;
    const kept = new KeptOpenSync();
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    try {
      insert.run('a');
      await kept.sync(wal);
      const first = await kept.heldInode();
      expect(first).toBe(statSync(wal).ino);
      db.pragma('wal_checkpoint(RESTART)');
      insert.run('b');
      await kept.sync(wal);
      db.pragma('wal_checkpoint(TRUNCATE)');
      insert.run('c');
      await kept.sync(wal);
      // The same file all along: what was committed is what was synced.
      expect(await kept.heldInode()).toBe(first);
      expect(statSync(wal).ino).toBe(first);
    } finally {
      await kept.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await kept.heldInode()).toBeNull();
  });
});
