/**
 * Operator alerts about one compartment (DESIGN §3, door operations): a jam, a door nobody asked
 * to open, an outcome nobody can know, an inspection, an item where none should be. Raised
 * inside the ingest transaction from the event that reports it; cleared when the locker reports
 * what ends it. The locker-wide kinds are in lockerAlerts.ts; both are read and acknowledged here.
 */
import { z } from 'zod';
import type { SignedEvent } from '../../src/shared/events';
import type { EventType } from '../../src/shared/eventTypes';
import type { StateSnapshot } from '../../src/shared/protocol/messages';
import { ok, type Result } from '../../src/shared/result';
import type { Alert, AlertKind, AlertsQuery, AlertsResponse } from '../../src/shared/rest/schemas';
import {
  acknowledgeAlert,
  clearAlerts,
  getAlert,
  listAlerts,
  type Clearing,
} from '../store/alerts';
import { getLocker } from '../store/lockers';
import { raiseAndTell, tellCleared } from './alertStatus';
import type { CloudContext } from './context';
import { notFound, type Refusal } from './refusal';

const id = z.string().min(1).max(128);
// An alert is not lost over its wording: odd free text is cut short or replaced.
const text = z
  .string()
  .transform((t) => (t.length > 200 ? `${t.slice(0, 200)}…` : t))
  .catch('not given');
const doorFact = z.object({
  compartmentId: id,
  operation: z.string().min(1).max(64),
  operationId: z.number().int(),
});
const words = (name: string) => name.replaceAll('_', ' ');
const operation = (p: z.infer<typeof doorFact>) =>
  `${words(p.operation)} operation ${p.operationId}`;

interface Raise<S extends z.ZodType<{ compartmentId: string }>> {
  kind: AlertKind;
  schema: S;
  detail: (payload: z.output<S>) => string;
}
const raise = <S extends z.ZodType<{ compartmentId: string }>>(r: Raise<S>) => r;

/** The events that raise an alert, and the sentence each becomes. */
const RAISED_BY = {
  'door.jammed': raise({
    kind: 'jammed',
    schema: doorFact.extend({ evidence: text }),
    detail: (p) =>
      `The latch was pulsed for ${operation(p)} and the door stayed shut (${p.evidence}).`,
  }),
  'door.opened_unexpectedly': raise({
    kind: 'opened_unexpectedly',
    schema: z.object({ compartmentId: id, state: text }),
    detail: (p) =>
      `The door opened with no operation asking for it (forced, a latch that gave way, or a ` +
      `faulty sensor); the compartment was ${words(p.state)}.`,
  }),
  'door.outcome_unknown': raise({
    kind: 'outcome_unknown',
    schema: doorFact.extend({ failure: text }),
    detail: (p) =>
      `No usable answer from the lock board during ${operation(p)} (${p.failure}): nobody ` +
      `knows whether the door opened. Out of service until the board is read again or staff look.`,
  }),
  'door.inspection': raise({
    kind: 'inspection',
    schema: doorFact.extend({ why: text }),
    detail: (p) =>
      `The outcome of ${operation(p)} cannot be known (${p.why}): staff must look inside.`,
  }),
  'compartment.foreign_item': raise({
    kind: 'foreign_item',
    schema: z.object({ compartmentId: id }),
    detail: () =>
      'The item sensor sees something in a compartment that should be empty: staff must look inside.',
  }),
} as const satisfies Partial<Record<EventType, Raise<z.ZodType<{ compartmentId: string }>>>>;

export type AlertEventType = keyof typeof RAISED_BY;

/** The kinds that end when the compartment is back in service. */
const ENDED_BY_SERVICE: readonly AlertKind[] = [
  'jammed',
  'outcome_unknown',
  'inspection',
  'foreign_item',
];

/** Inside the ingest transaction: the alert `e` reports. A bad payload throws a ZodError. */
export function raiseAlert(
  ctx: CloudContext,
  lockerId: string,
  e: SignedEvent & { type: AlertEventType },
  snapshot: StateSnapshot | null,
): void {
  const rule: Raise<z.ZodType<{ compartmentId: string }>> = RAISED_BY[e.type];
  const payload = rule.schema.parse(e.payload);
  raiseAndTell(ctx, {
    lockerId,
    compartmentId: payload.compartmentId,
    kind: rule.kind,
    detail: rule.detail(payload),
    seq: e.seq,
    raisedAt: Date.parse(e.at),
  });
  // The retained snapshot may already show the door shut again (it can overtake the events).
  if (rule.kind === 'opened_unexpectedly' && snapshot && snapshot.seq >= e.seq)
    clearClosedDoors(ctx, lockerId, snapshot);
}

/** Inside the ingest transaction: back in service ends jams, unknown outcomes, inspections. */
export function clearOnService(
  ctx: CloudContext,
  lockerId: string,
  e: SignedEvent,
  compartmentId: string,
  why: string,
): void {
  clear(ctx, lockerId, compartmentId, ENDED_BY_SERVICE, e.seq, {
    at: Date.parse(e.at),
    seq: e.seq,
    reason: `back in service: ${why}`,
  });
}

/** Inside the ingest transaction: a door reported closed ends its unexpected opening. */
export function clearOnDoorClosed(
  ctx: CloudContext,
  lockerId: string,
  e: SignedEvent,
  compartmentId: string,
): void {
  clear(ctx, lockerId, compartmentId, ['opened_unexpectedly'], e.seq, {
    at: Date.parse(e.at),
    seq: e.seq,
    reason: 'door closed',
  });
}

/** Inside the ingest transaction: a compartment taken out of the layout has nothing to fix. */
export function clearOnRemoved(
  ctx: CloudContext,
  lockerId: string,
  e: SignedEvent,
  compartmentId: string,
): void {
  clear(ctx, lockerId, compartmentId, [...ENDED_BY_SERVICE, 'opened_unexpectedly'], e.seq, {
    at: Date.parse(e.at),
    seq: e.seq,
    reason: 'compartment removed from the layout',
  });
}

/**
 * The unit reports a door closing after an unexpected opening only in its state snapshot
 * (no operation, so no door.closed): a snapshot at or past the alert's seq that shows the
 * door shut ends it.
 */
export function clearClosedDoors(
  ctx: CloudContext,
  lockerId: string,
  snapshot: StateSnapshot,
): void {
  for (const c of snapshot.compartments) {
    if (c.doorOpen !== false) continue;
    clear(ctx, lockerId, c.id, ['opened_unexpectedly'], snapshot.seq, {
      at: Date.parse(snapshot.at),
      seq: snapshot.seq,
      reason: 'door closed (state snapshot)',
    });
  }
}

function clear(
  ctx: CloudContext,
  lockerId: string,
  compartmentId: string,
  kinds: readonly AlertKind[],
  upToSeq: number,
  clearing: Clearing,
): void {
  tellCleared(
    ctx,
    clearAlerts(ctx.db, lockerId, compartmentId, kinds, upToSeq, clearing),
    clearing.reason,
  );
}

export function lockerAlerts(
  ctx: CloudContext,
  lockerId: string,
  query: AlertsQuery,
): Result<AlertsResponse, Refusal> {
  if (!getLocker(ctx.db, lockerId)) return notFound('locker');
  return ok({ lockerId, alerts: listAlerts(ctx.db, lockerId, query) });
}

export function acknowledge(
  ctx: CloudContext,
  lockerId: string,
  alertId: number,
  by: string,
): Result<Alert, Refusal> {
  return ctx.db
    .transaction((): Result<Alert, Refusal> => {
      if (!getAlert(ctx.db, lockerId, alertId)) return notFound('alert');
      if (acknowledgeAlert(ctx.db, lockerId, alertId, ctx.clock.now(), by))
        ctx.log.info({ lockerId, alertId, by }, 'alert acknowledged');
      return ok(getAlert(ctx.db, lockerId, alertId)!);
    })
    .immediate();
}
