/**
 * Prepared statements kept per connection, so each query is compiled once rather than on every
 * call (re-preparing cost the cloud 12–16 % of its CPU under load, bench/allocation.ts).
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './database';

// Keyed by the connection, so a closed database's statements go with it.
const byConnection = new WeakMap<Db, Map<string, Statement>>();

/** The statement for `sql` on `db`, prepared on first use. */
export function stmt(db: Db, sql: string): Statement {
  let cache = byConnection.get(db);
  if (!cache) byConnection.set(db, (cache = new Map()));
  let prepared = cache.get(sql);
  if (!prepared) cache.set(sql, (prepared = db.prepare(sql)));
  return prepared;
}
