/**
 * Records what merchants, dashboards and customers are told (src/shared/rest/statusEvents.ts).
 * Every service that changes a parcel, a return, an alert or a locker's availability calls
 * `recordStatus` inside the transaction that makes the change; delivery (webhooks, Server-Sent
 * Events, the status page) reads the table, so what it sends is what was committed, and only
 * once it is on disk (StatusFeed).
 */
import { appendStatusEvent, type NewStatusEvent } from '../store/statusEvents';
import type { CloudContext } from './context';
import { nudgeStatusFeed } from './statusFeed';

export type { NewStatusEvent } from '../store/statusEvents';

export function recordStatus(ctx: Pick<CloudContext, 'db' | 'clock'>, e: NewStatusEvent): number {
  const id = appendStatusEvent(ctx.db, e, ctx.clock.now());
  nudgeStatusFeed(ctx.db);
  return id;
}
