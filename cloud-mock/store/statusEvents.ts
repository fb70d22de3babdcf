/** Queries on the status_events table (src/shared/rest/statusEvents.ts). */
import type { StatusEvent, StatusEventType } from '../../src/shared/rest/statusEvents';
import type { Db } from './database';
import { stmt } from './statements';

export interface NewStatusEvent {
  type: StatusEventType;
  lockerId: string;
  parcelId?: string | null;
  returnId?: string | null;
  data?: Record<string, unknown>;
}

interface Row {
  id: number;
  type: StatusEventType;
  locker_id: string;
  parcel_id: string | null;
  return_id: string | null;
  data: string;
  at: number;
}

const fromRow = (r: Row): StatusEvent => ({
  id: r.id,
  type: r.type,
  at: new Date(r.at).toISOString(),
  lockerId: r.locker_id,
  parcelId: r.parcel_id,
  returnId: r.return_id,
  data: JSON.parse(r.data) as Record<string, unknown>,
});

/** Appends one, in the caller's transaction; returns its id. */
export function appendStatusEvent(db: Db, e: NewStatusEvent, at: number): number {
  const r = stmt(
    db,
    `INSERT INTO status_events (type, locker_id, parcel_id, return_id, data, at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(
    e.type,
    e.lockerId,
    e.parcelId ?? null,
    e.returnId ?? null,
    JSON.stringify(e.data ?? {}),
    at,
  );
  return Number(r.lastInsertRowid);
}

/** Those after `afterId`, oldest first, at most `limit`. */
export function statusEventsAfter(db: Db, afterId: number, limit: number): StatusEvent[] {
  const rows = stmt(db, `SELECT * FROM status_events WHERE id > ? ORDER BY id LIMIT ?`).all(
    afterId,
    limit,
  ) as Row[];
  return rows.map(fromRow);
}

/** One locker's, after `afterId`, oldest first. */
export function lockerStatusEventsAfter(
  db: Db,
  lockerId: string,
  afterId: number,
  limit: number,
): StatusEvent[] {
  const rows = stmt(
    db,
    `SELECT * FROM status_events WHERE locker_id = ? AND id > ? ORDER BY id LIMIT ?`,
  ).all(lockerId, afterId, limit) as Row[];
  return rows.map(fromRow);
}

/** One parcel's, oldest first. */
export function parcelStatusEvents(db: Db, parcelId: string): StatusEvent[] {
  const rows = stmt(db, `SELECT * FROM status_events WHERE parcel_id = ? ORDER BY id`).all(
    parcelId,
  ) as Row[];
  return rows.map(fromRow);
}

/** The id of the last one committed; 0 when there is none. */
export function lastStatusEventId(db: Db): number {
  const r = stmt(db, 'SELECT MAX(id) AS id FROM status_events').get() as { id: number | null };
  return r.id ?? 0;
}

/** Those with `afterId` < id <= `upToId`, oldest first, at most `limit`. */
export function statusEventsBetween(
  db: Db,
  afterId: number,
  upToId: number,
  limit: number,
): StatusEvent[] {
  const rows = stmt(
    db,
    `SELECT * FROM status_events WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`,
  ).all(afterId, upToId, limit) as Row[];
  return rows.map(fromRow);
}

/** One locker's with `afterId` < id <= `upToId`, oldest first, at most `limit`. */
export function lockerStatusEventsBetween(
  db: Db,
  lockerId: string,
  afterId: number,
  upToId: number,
  limit: number,
): StatusEvent[] {
  const rows = stmt(
    db,
    `SELECT * FROM status_events WHERE locker_id = ? AND id > ? AND id <= ? ORDER BY id LIMIT ?`,
  ).all(lockerId, afterId, upToId, limit) as Row[];
  return rows.map(fromRow);
}

/** One status event by id. */
export function getStatusEvent(db: Db, id: number): StatusEvent | null {
  const r = stmt(db, 'SELECT * FROM status_events WHERE id = ?').get(id) as Row | undefined;
  return r ? fromRow(r) : null;
}
