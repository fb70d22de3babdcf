/**
 * Queries on the events table: the signed audit log, which is also the outbox. Bodies are
 * stored as the exact canonical text that was signed, so verification never re-serialises.
 */
import { confirmedBy, dropReceiptsUpTo } from './ackReceipts';
import type { Db } from './database';
import { stmt } from './statements';
import { getMeta, setMeta } from './meta';

export interface StoredEvent {
  seq: number;
  type: string;
  /** The RFC 8785 canonical JSON of the signed body. */
  body: string;
  hash: string;
  sig: string;
}

export function insertEvent(db: Db, e: StoredEvent): void {
  stmt(
    db,
    'INSERT INTO events (seq, type, body, hash, sig) VALUES (@seq, @type, @body, @hash, @sig)',
  ).run(e);
}

/** The newest event; after pruning everything, the checkpoint stands in for it. */
export function chainHead(db: Db): { seq: number; hash: string } | undefined {
  const row = stmt(db, 'SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get() as
    { seq: number; hash: string } | undefined;
  return row ?? checkpoint(db);
}

/**
 * The time of the newest event in the log (epoch ms; 0 when there is none): a time the locker
 * has already lived through, whatever its clock says now.
 */
export function latestEventTime(db: Db): number {
  const row = stmt(
    db,
    `SELECT json_extract(body, '$.at') AS at FROM events ORDER BY seq DESC LIMIT 1`,
  ).get() as { at: string | null } | undefined;
  const at = row?.at ? Date.parse(row.at) : NaN;
  return Number.isFinite(at) ? at : 0;
}

export function checkpoint(db: Db): { seq: number; hash: string } | undefined {
  const seq = getMeta(db, 'checkpoint_seq');
  const hash = getMeta(db, 'checkpoint_hash');
  return seq !== undefined && hash !== undefined ? { seq: Number(seq), hash } : undefined;
}

export function listEvents(db: Db, fromSeq = 0, limit = 1_000_000): StoredEvent[] {
  return stmt(db, 'SELECT * FROM events WHERE seq >= ? ORDER BY seq LIMIT ?').all(
    fromSeq,
    limit,
  ) as StoredEvent[];
}

export function countEvents(db: Db): number {
  return (stmt(db, 'SELECT count(*) AS n FROM events').get() as { n: number }).n;
}

/** Highest seq the cloud has durably stored (cumulative ack). */
export function ackedSeq(db: Db): number {
  return Number(getMeta(db, 'acked_seq') ?? 0);
}

export function setAckedSeq(db: Db, seq: number): void {
  setMeta(db, 'acked_seq', String(seq));
}

/** The cloud's time on the newest ack taken (epoch ms), or null before the first. */
export function ackedAt(db: Db): number | null {
  const at = getMeta(db, 'acked_at');
  return at === undefined ? null : Number(at);
}

export function setAckedAt(db: Db, at: number): void {
  setMeta(db, 'acked_at', String(at));
}

/**
 * Deletes the events an ack received at or before `confirmedBefore` (epoch ms) covers, never
 * beyond the current ack, and records the last deleted one as the checkpoint the remaining
 * chain verifies from. The event's own age does not matter: what the cloud confirmed only a
 * minute ago stays, so a cloud restored from yesterday's backup can still be served.
 */
export function pruneDelivered(db: Db, confirmedBefore: number): number {
  return db.transaction(() => {
    const upTo = Math.min(ackedSeq(db), confirmedBy(db, confirmedBefore));
    const last = stmt(
      db,
      'SELECT seq, hash FROM events WHERE seq <= ? ORDER BY seq DESC LIMIT 1',
    ).get(upTo) as { seq: number; hash: string } | undefined;
    if (!last) return 0;
    const { changes } = stmt(db, 'DELETE FROM events WHERE seq <= ?').run(last.seq);
    setMeta(db, 'checkpoint_seq', String(last.seq));
    setMeta(db, 'checkpoint_hash', last.hash);
    dropReceiptsUpTo(db, last.seq);
    return changes;
  })();
}
