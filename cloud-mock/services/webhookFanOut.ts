/**
 * Which webhooks get which status events: a merchant's webhook gets the events of the
 * allocations and returns its key created, and nothing else; an operator's gets every event
 * (alerts and lockers too). Reads status_events from its stored cursor up to the durable mark
 * and queues one delivery per match, cursor and queue in one transaction.
 */
import type { StatusEvent } from '../../src/shared/rest/statusEvents';
import { findApiKey } from '../store/apiKeys';
import type { Db } from '../store/database';
import { allocationOfParcel, getOwner } from '../store/owners';
import { statusEventsBetween } from '../store/statusEvents';
import { getCursor, setCursor } from '../store/statusCursors';
import { queueDelivery } from '../store/webhookDeliveries';
import { liveWebhooks, type WebhookRecord } from '../store/webhooks';

const CURSOR = 'webhooks';

/** The API key whose allocation or return the event is about; null for alerts and lockers. */
export function ownerKeyOf(db: Db, e: StatusEvent): string | null {
  if (e.returnId !== null) return getOwner(db, 'return', e.returnId)?.apiKeyId ?? null;
  if (e.parcelId === null) return null;
  const named = e.data['allocationId'];
  const allocationId =
    typeof named === 'string' ? named : allocationOfParcel(db, e.lockerId, e.parcelId);
  return allocationId === null
    ? null
    : (getOwner(db, 'allocation', allocationId)?.apiKeyId ?? null);
}

function receives(db: Db, w: WebhookRecord, e: StatusEvent, owner: () => string | null): boolean {
  if (!w.types.includes(e.type) || Date.parse(e.at) < w.createdAt) return false;
  const key = findApiKey(db, w.apiKeyId)?.key;
  if (!key || key.revokedAt !== null) return false;
  return key.role === 'operator' || owner() === key.id;
}

/** Whether any webhook could take an event now (else a pass need not write anything). */
export function anyWebhook(db: Db): boolean {
  return liveWebhooks(db).length > 0;
}

/**
 * Queues deliveries for events after the cursor (or `floor`, when it is ahead) up to `upToId`;
 * returns the last id it read (the cursor) and how many events it read.
 */
export function fanOut(
  db: Db,
  upToId: number,
  limit: number,
  now: number,
  floor = 0,
): { cursor: number; read: number } {
  const after = Math.max(floor, getCursor(db, CURSOR));
  if (upToId <= after) return { cursor: after, read: 0 };
  const events = statusEventsBetween(db, after, upToId, limit);
  const hooks = liveWebhooks(db);
  for (const e of events) {
    let owner: string | null | undefined;
    const ownerOnce = () => (owner === undefined ? (owner = ownerKeyOf(db, e)) : owner);
    for (const w of hooks) if (receives(db, w, e, ownerOnce)) queueDelivery(db, w.id, e.id, now);
  }
  const cursor = events.at(-1)?.id ?? upToId;
  setCursor(db, CURSOR, cursor);
  return { cursor, read: events.length };
}
