/**
 * Opens a SQLite file the way both the kiosk and the cloud keep their data: WAL with
 * synchronous=FULL so a committed transaction survives power loss, foreign keys on, and every
 * pending numbered migration applied in its own transaction, recorded in `user_version`.
 */
import Database from 'better-sqlite3';

export type Db = Database.Database;

export interface Migration {
  version: number;
  name: string;
  /** SQL; tables are STRICT. */
  up: string;
}

export function openSqlite(file: string, migrations: readonly Migration[], what: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  try {
    migrate(db, migrations, what);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

export function migrate(db: Db, migrations: readonly Migration[], what: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(
      `${what} schema version ${current} is newer than this software knows (${latest})`,
    );
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.up);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
