/** Queries on the events and pending_events tables: the stored chain and what waits behind a gap. */
import type { SignedEvent } from '../../src/shared/events';
import type { Db } from './database';
import { stmt } from './statements';

export function insertEvent(db: Db, event: SignedEvent, receivedAt: number): void {
  stmt(
    db,
    `INSERT INTO events (locker_id, seq, type, at, event, hash, received_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    event.lockerId,
    event.seq,
    event.type,
    event.at,
    JSON.stringify(event),
    event.hash,
    receivedAt,
  );
}

export function storedHash(db: Db, lockerId: string, seq: number): string | null {
  const row = stmt(db, 'SELECT hash FROM events WHERE locker_id = ? AND seq = ?').get(
    lockerId,
    seq,
  ) as { hash: string } | undefined;
  return row?.hash ?? null;
}

export function countEvents(db: Db, lockerId: string): number {
  return (
    stmt(db, 'SELECT COUNT(*) AS n FROM events WHERE locker_id = ?').get(lockerId) as {
      n: number;
    }
  ).n;
}

export function listEvents(db: Db, lockerId: string, fromSeq = 1, limit = 1000): SignedEvent[] {
  return (
    stmt(db, 'SELECT event FROM events WHERE locker_id = ? AND seq >= ? ORDER BY seq LIMIT ?').all(
      lockerId,
      fromSeq,
      limit,
    ) as { event: string }[]
  ).map((r) => JSON.parse(r.event) as SignedEvent);
}

/** Keeps an event that arrived ahead of a gap; a second copy of the same seq is ignored. */
export function holdPendingEvent(db: Db, event: SignedEvent, receivedAt: number): void {
  stmt(
    db,
    `INSERT OR IGNORE INTO pending_events (locker_id, seq, event, received_at) VALUES (?, ?, ?, ?)`,
  ).run(event.lockerId, event.seq, JSON.stringify(event), receivedAt);
}

export function takePendingEvent(db: Db, lockerId: string, seq: number): SignedEvent | null {
  const row = stmt(db, 'SELECT event FROM pending_events WHERE locker_id = ? AND seq = ?').get(
    lockerId,
    seq,
  ) as { event: string } | undefined;
  if (!row) return null;
  stmt(db, 'DELETE FROM pending_events WHERE locker_id = ? AND seq = ?').run(lockerId, seq);
  return JSON.parse(row.event) as SignedEvent;
}

export function dropPendingUpTo(db: Db, lockerId: string, seq: number): void {
  stmt(db, 'DELETE FROM pending_events WHERE locker_id = ? AND seq <= ?').run(lockerId, seq);
}

export function pendingSeqs(db: Db, lockerId: string): number[] {
  return (
    stmt(db, 'SELECT seq FROM pending_events WHERE locker_id = ? ORDER BY seq').all(lockerId) as {
      seq: number;
    }[]
  ).map((r) => r.seq);
}

export function countPending(db: Db, lockerId: string): number {
  return (
    stmt(db, 'SELECT COUNT(*) AS n FROM pending_events WHERE locker_id = ?').get(lockerId) as {
      n: number;
    }
  ).n;
}
