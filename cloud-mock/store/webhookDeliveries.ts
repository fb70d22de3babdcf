/** Queries on the webhook_deliveries table: one row per (webhook, status event), its attempts and outcome. */
import type { StatusEventType } from '../../src/shared/rest/statusEvents';
import type { Db } from './database';
import { stmt } from './statements';

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface DeliveryRecord {
  id: number;
  webhookId: string;
  eventId: number;
  type: StatusEventType;
  state: DeliveryState;
  attempts: number;
  nextAt: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

interface Row {
  id: number;
  webhook_id: string;
  event_id: number;
  type: StatusEventType;
  state: DeliveryState;
  attempts: number;
  next_at: number;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

const fromRow = (r: Row): DeliveryRecord => ({
  id: r.id,
  webhookId: r.webhook_id,
  eventId: r.event_id,
  type: r.type,
  state: r.state,
  attempts: r.attempts,
  nextAt: r.next_at,
  lastStatus: r.last_status,
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

const SELECT = `SELECT d.*, e.type FROM webhook_deliveries d JOIN status_events e ON e.id = d.event_id`;

/** Queues the event for the webhook (once, however often the fan-out runs). */
export function queueDelivery(db: Db, webhookId: string, eventId: number, at: number): void {
  stmt(
    db,
    `INSERT OR IGNORE INTO webhook_deliveries (webhook_id, event_id, state, next_at, created_at)
     VALUES (?, ?, 'pending', ?, ?)`,
  ).run(webhookId, eventId, at, at);
}

/** Pending ones due by `now`, of live webhooks, oldest first. */
export function dueDeliveries(db: Db, now: number, limit: number): DeliveryRecord[] {
  return (
    stmt(
      db,
      `${SELECT} JOIN webhooks w ON w.id = d.webhook_id
       WHERE d.state = 'pending' AND d.next_at <= ? AND w.deleted_at IS NULL
       ORDER BY d.next_at, d.id LIMIT ?`,
    ).all(now, limit) as Row[]
  ).map(fromRow);
}

/** When the earliest pending one is due; null when none waits. */
export function nextDeliveryAt(db: Db): number | null {
  const r = stmt(
    db,
    `SELECT MIN(d.next_at) AS at FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
     WHERE d.state = 'pending' AND w.deleted_at IS NULL`,
  ).get() as { at: number | null };
  return r.at;
}

export interface AttemptOutcome {
  state: DeliveryState;
  nextAt: number;
  status: number | null;
  error: string | null;
  deliveredAt: number | null;
}

export function recordAttempt(db: Db, id: number, o: AttemptOutcome): void {
  stmt(
    db,
    `UPDATE webhook_deliveries SET attempts = attempts + 1, state = ?, next_at = ?, last_status = ?,
       last_error = ?, delivered_at = ? WHERE id = ?`,
  ).run(o.state, o.nextAt, o.status, o.error, o.deliveredAt, id);
}

/** A webhook's deliveries, newest event first. */
export function deliveriesOf(db: Db, webhookId: string, limit: number): DeliveryRecord[] {
  return (
    stmt(db, `${SELECT} WHERE d.webhook_id = ? ORDER BY d.event_id DESC LIMIT ?`).all(
      webhookId,
      limit,
    ) as Row[]
  ).map(fromRow);
}
