import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type Db } from '../../src/shared/node/sqlite';
import { GroupCommit } from './groupCommit';
import { fdatasyncFile, WalSync, type DataSync } from './walSync';

describe('group commit', () => {
  let dir: string;
  let db: Db;
  let reader: Database.Database;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
    const file = join(dir, 'db.sqlite');
    db = openSqlite(
      file,
      [
        {
          version: 1,
          name: 'test',
          up: `CREATE TABLE parent (id INTEGER PRIMARY KEY) STRICT;
               CREATE TABLE item (n INTEGER PRIMARY KEY,
                 parent INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED) STRICT;`,
        },
      ],
      'test database',
    );
    // Another connection: it sees only what was committed.
    reader = new Database(file, { readonly: true });
  });
  afterEach(() => {
    reader.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const stored = () =>
    (reader.prepare('SELECT n FROM item ORDER BY n').all() as { n: number }[]).map((r) => r.n);
  const insert = (n: number) => () => db.prepare('INSERT INTO item (n) VALUES (?)').run(n).changes;

  it('commits writes that arrive together once, in order, and answers each only after the commit', async () => {
    const group = new GroupCommit(db);
    const seenAtAnswer: number[][] = [];
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        group.run(insert(i)).then((changes) => {
          seenAtAnswer.push(stored());
          return changes;
        }),
      ),
    );
    expect(answers).toEqual(Array(50).fill(1));
    expect(group.stats).toEqual({ groups: 1, writes: 50 });
    // Every caller was answered with all 50 already durable and visible to others.
    for (const seen of seenAtAnswer) expect(seen).toHaveLength(50);
  });

  it('rolls back only the write that threw; the others of its group are stored', async () => {
    const group = new GroupCommit(db);
    const outcomes = await Promise.allSettled([
      group.run(insert(1)),
      group.run(() => {
        insert(2)();
        throw new Error('refused halfway');
      }),
      group.run(insert(3)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({
      message: 'refused halfway',
    });
    expect(stored()).toEqual([1, 3]);
    expect(group.stats.groups).toBe(1);
  });

  it('fails every write of a group whose COMMIT fails, and stores none of them', async () => {
    const group = new GroupCommit(db);
    // A deferred foreign key is only checked at COMMIT: this one fails the group's commit.
    const orphan = () => db.prepare('INSERT INTO item (n, parent) VALUES (?, 99)').run(2);
    const outcomes = await Promise.allSettled([
      group.run(insert(1)),
      group.run(orphan),
      group.run(insert(3)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(stored()).toEqual([]);
    expect(db.inTransaction).toBe(false);
    // The next group starts clean.
    await group.run(insert(4));
    expect(stored()).toEqual([4]);
  });

  it('answers nobody until the commit is on disk, and hands what it issued on only then', async () => {
    let release = () => {};
    const held: DataSync = async (file) => {
      await new Promise<void>((resolve) => (release = resolve));
      await fdatasyncFile(file);
    };
    const order: string[] = [];
    const group = new GroupCommit(
      db,
      {
        atCommit: () => {
          order.push('committed');
          return stored().length;
        },
        whenDurable: (count) => order.push(`durable with ${count}`),
      },
      new WalSync(db, held),
    );
    const answers = [1, 2, 3].map((n) =>
      group.run(insert(n)).then(() => order.push(`answer ${n}`)),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Committed (others see it), but nobody told yet.
    expect(order).toEqual(['committed']);
    expect(stored()).toEqual([1, 2, 3]);
    release();
    await Promise.all(answers);
    expect(order).toEqual(['committed', 'durable with 3', 'answer 1', 'answer 2', 'answer 3']);
  });

  it('starts a new group for writes that arrive after the commit', async () => {
    const group = new GroupCommit(db);
    await group.run(insert(1));
    await group.run(insert(2));
    expect(group.stats).toEqual({ groups: 2, writes: 2 });
    expect(stored()).toEqual([1, 2]);
  });
});
