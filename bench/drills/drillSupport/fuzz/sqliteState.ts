/**
 * What a SQLite store holds, as row counts and content hashes per table, to tell whether an
 * input changed anything. An append-only table (the kiosk's hash-chained events) is summed by
 * its count and last key, and its new rows are handed back for the caller to judge.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../../../src/shared/node/sqlite';

export interface TableState {
  rows: number;
  hash: string;
}

export type StoreState = Record<string, TableState>;

export interface AppendOnly {
  table: string;
  key: string;
}

function tables(db: Db): string[] {
  return (
    db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all() as { name: string }[]
  ).map((t) => t.name);
}

export function storeState(db: Db, appendOnly?: AppendOnly): StoreState {
  const state: StoreState = {};
  for (const table of tables(db)) {
    if (table === appendOnly?.table) {
      const { rows, last } = db
        .prepare(`SELECT count(*) AS rows, max(${appendOnly.key}) AS last FROM ${table}`)
        .get() as {
        rows: number;
        last: number | null;
      };
      state[table] = { rows, hash: String(last) };
      continue;
    }
    const hash = createHash('sha256');
    let rows = 0;
    for (const row of db.prepare(`SELECT * FROM ${table} ORDER BY 1`).raw().iterate()) {
      hash.update(
        JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)),
      );
      rows += 1;
    }
    state[table] = { rows, hash: hash.digest('hex') };
  }
  return state;
}

/** The tables whose rows or content differ, as `table (rows before → after)`. */
export function changedTables(
  before: StoreState,
  after: StoreState,
  except: string[] = [],
): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names]
    .filter((t) => !except.includes(t))
    .filter((t) => before[t]?.rows !== after[t]?.rows || before[t]?.hash !== after[t]?.hash)
    .map((t) => `${t} (${before[t]?.rows ?? 'none'} → ${after[t]?.rows ?? 'none'} rows)`);
}
