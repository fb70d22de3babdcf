/** Queries on the status_cursors table: how far a reader of status_events has got. */
import type { Db } from './database';
import { stmt } from './statements';

export function getCursor(db: Db, name: string): number {
  const r = stmt(db, 'SELECT last_id FROM status_cursors WHERE name = ?').get(name) as
    { last_id: number } | undefined;
  return r?.last_id ?? 0;
}

export function setCursor(db: Db, name: string, lastId: number): void {
  stmt(
    db,
    `INSERT INTO status_cursors (name, last_id) VALUES (?, ?)
     ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id`,
  ).run(name, lastId);
}
