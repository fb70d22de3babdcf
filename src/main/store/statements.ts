/**
 * Prepared statements kept per connection: each query's SQL is compiled once and reused, not
 * prepared again on every call (which cost more than running most of them).
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './database';

const byConnection = new WeakMap<Db, Map<string, Statement>>();

/** The statement for `sql` on `db`, prepared on first use. */
export function stmt(db: Db, sql: string): Statement {
  let cache = byConnection.get(db);
  if (cache === undefined) {
    cache = new Map();
    byConnection.set(db, cache);
  }
  let statement = cache.get(sql);
  if (statement === undefined) {
    statement = db.prepare(sql);
    cache.set(sql, statement);
  }
  return statement;
}
