/** A small key/value table for single facts: outbox position, chain checkpoint. */
import type { Db } from './database';
import { stmt } from './statements';

export type MetaKey =
  | 'acked_seq'
  /** The cloud's time on the newest ack taken (epoch ms): an older one is a replay. */
  | 'acked_at'
  | 'checkpoint_seq'
  | 'checkpoint_hash'
  | 'trusted_time';

export function getMeta(db: Db, key: MetaKey): string | undefined {
  const row = stmt(db, 'SELECT value FROM meta WHERE key = ?').get(key) as
    { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: Db, key: MetaKey, value: string): void {
  stmt(
    db,
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}
