/**
 * Test support: a process of its own that starts the checkpointer on a fresh SQLite file, closes
 * it and prints `closed`: with nothing else keeping Node's loop alive, as at a cloud's shutdown.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { openSqlite } from '../../../src/shared/node/sqlite';
import { startCheckpointer } from '../checkpointer';

const db = openSqlite(
  join(mkdtempSync(join(tmpdir(), 'checkpointer-close-')), 'db.sqlite'),
  [{ version: 1, name: 't', up: 'CREATE TABLE t (n INTEGER PRIMARY KEY) STRICT;' }],
  'test database',
);
await startCheckpointer(db, pino({ level: 'silent' })).close();
db.close();
process.stdout.write('closed\n');
