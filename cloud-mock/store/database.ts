/** Opens the cloud's SQLite file with its migrations (see src/shared/node/sqlite.ts). */
import { openSqlite, type Db, type Migration } from '../../src/shared/node/sqlite';
import { migrations as allMigrations } from './migrations';

export type { Db };

export function openDatabase(file: string, migrations: readonly Migration[] = allMigrations): Db {
  return openSqlite(file, migrations, 'cloud database');
}
