/**
 * Operator alerts about a whole locker. From the unit's events, inside the ingest transaction:
 * the keypad throttle engaged, a sustained rate of wrong codes, a hardware fault, clock skew, a
 * disk nearly full (`storage.low`, ended by `storage.recovered`).
 * From the cloud's own observation: a broken event chain, a locker offline for too long. Each
 * ends with what ends it: `hardware.recovered`, presence online, or its end time passing (the
 * throttle's end, a quiet period), which the scheduler's sweep acts on. A chain break ends only
 * with an operator's investigation: the locker stays flagged.
 */
import { z } from 'zod';
import type { SignedEvent } from '../../src/shared/events';
import type { EventType } from '../../src/shared/eventTypes';
import { clearEndedAlerts, clearLockerAlert, countCodeRejection } from '../store/alerts';
import { offlineWithoutAlert } from '../store/lockers';
import { raiseAndTell, raiseOrRenew, tellCleared } from './alertStatus';
import { iso, type CloudContext } from './context';

// Free text is cut short or replaced: an alert is not lost over its wording.
const text = z
  .string()
  .transform((t) => (t.length > 200 ? `${t.slice(0, 200)}…` : t))
  .catch('not given');
const P = {
  throttled: z.object({
    debt: z.number(),
    delaySec: z.number().nonnegative(),
    until: z.iso.datetime({ offset: true }),
  }),
  fault: z.object({ reason: text }),
  skew: z.object({ skewMs: z.number(), thresholdMs: z.number() }),
  storageLow: z.object({ freeBytes: z.number(), reserveBytes: z.number() }),
  storageRecovered: z.object({
    refusedDeposits: z.number().catch(0),
    failedWrites: z.number().catch(0),
  }),
};
const megabytes = (bytes: number) => `${Math.round(bytes / 1_048_576)} MB`;
const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

type OnEvent = (ctx: CloudContext, lockerId: string, e: SignedEvent) => void;

/** The unit's events that raise or end a locker-wide alert. */
const ON_EVENT = {
  'security.throttled': (ctx, lockerId, e) => {
    const p = P.throttled.parse(e.payload);
    raiseOrRenew(ctx, {
      lockerId,
      compartmentId: null,
      kind: 'throttled',
      detail:
        `Wrong codes engaged the keypad throttle: each attempt waits ${p.delaySec} s, ` +
        `until ${p.until} (failure debt ${p.debt}).`,
      seq: e.seq,
      raisedAt: Date.parse(e.at),
      // The throttle's own end; a renewed throttle moves it.
      endsAt: Date.parse(p.until),
    });
  },
  'security.code_rejected': (ctx, lockerId, e) => {
    const { count, windowMs } = ctx.policy.codeRejectionAlert;
    const n = countCodeRejection(ctx.db, lockerId, Date.parse(e.at), e.seq, windowMs);
    if (n < count) return;
    raiseOrRenew(ctx, {
      lockerId,
      compartmentId: null,
      kind: 'code_rejections',
      detail:
        `${n} wrong codes within ${minutes(windowMs)} by the unit's clock, the last at ${e.at}: ` +
        `someone may be guessing codes.`,
      seq: e.seq,
      raisedAt: Date.parse(e.at),
      // Sustained means still coming: a quiet window ends it.
      endsAt: ctx.clock.now() + windowMs,
    });
  },
  'hardware.fault': (ctx, lockerId, e) => {
    const p = P.fault.parse(e.payload);
    raiseOrRenew(ctx, {
      lockerId,
      compartmentId: null,
      kind: 'hardware_fault',
      detail: `Hardware fault: ${p.reason}. Doors may not open until it recovers.`,
      seq: e.seq,
      raisedAt: Date.parse(e.at),
    });
  },
  'hardware.recovered': (ctx, lockerId, e) => {
    const clearing = { at: Date.parse(e.at), seq: e.seq, reason: 'hardware recovered' };
    tellCleared(
      ctx,
      clearLockerAlert(ctx.db, lockerId, 'hardware_fault', clearing),
      clearing.reason,
    );
  },
  'storage.low': (ctx, lockerId, e) => {
    const p = P.storageLow.parse(e.payload);
    raiseOrRenew(ctx, {
      lockerId,
      compartmentId: null,
      kind: 'storage_low',
      detail:
        `The unit's disk is nearly full (${megabytes(p.freeBytes)} free, ` +
        `${megabytes(p.reserveBytes)} kept for pickups): deposits are refused until space returns.`,
      seq: e.seq,
      raisedAt: Date.parse(e.at),
    });
  },
  'storage.recovered': (ctx, lockerId, e) => {
    const p = P.storageRecovered.parse(e.payload);
    const reason =
      `disk space back (${p.refusedDeposits} deposits refused, ` +
      `${p.failedWrites} writes found the disk full meanwhile)`;
    const clearing = { at: Date.parse(e.at), seq: e.seq, reason };
    tellCleared(ctx, clearLockerAlert(ctx.db, lockerId, 'storage_low', clearing), reason);
  },
  'clock.skew': (ctx, lockerId, e) => {
    const p = P.skew.parse(e.payload);
    raiseOrRenew(ctx, {
      lockerId,
      compartmentId: null,
      kind: 'clock_skew',
      detail:
        `The unit's clock is ${Math.round(p.skewMs / 1000)} s off the cloud's (threshold ` +
        `${Math.round(p.thresholdMs / 1000)} s): expiries and command lifetimes run off.`,
      seq: e.seq,
      raisedAt: Date.parse(e.at),
      // The unit repeats the report while it lasts (hourly at most): quiet, it has ended.
      endsAt: ctx.clock.now() + ctx.policy.clockSkewQuietMs,
    });
  },
} as const satisfies Partial<Record<EventType, OnEvent>>;

export type LockerAlertEventType = keyof typeof ON_EVENT;
export const LOCKER_ALERT_EVENTS = Object.keys(ON_EVENT) as LockerAlertEventType[];

/** Inside the ingest transaction. A bad payload throws a ZodError before anything changes. */
export function onLockerAlertEvent(
  ctx: CloudContext,
  lockerId: string,
  e: SignedEvent & { type: LockerAlertEventType },
): void {
  const handler: OnEvent = ON_EVENT[e.type];
  handler(ctx, lockerId, e);
}

/** Inside the ingest transaction: the verifier refused a link (one open alert per locker). */
export function raiseChainBreak(
  ctx: CloudContext,
  lockerId: string,
  b: { seq: number | null; reason: string; detail: string },
): void {
  const at = b.seq === null ? 'a message' : `seq ${b.seq}`;
  raiseAndTell(ctx, {
    lockerId,
    compartmentId: null,
    kind: 'chain_break',
    detail:
      `The event chain broke at ${at} (${b.reason}: ${b.detail.slice(0, 200)}): the locker is ` +
      `flagged and nothing past the break is acked until an operator looks.`,
    seq: null,
    raisedAt: ctx.clock.now(),
  });
}

/** Inside the presence transaction: online again ends an `offline` alert. */
export function clearOffline(ctx: CloudContext, lockerId: string, at: number): void {
  const clearing = { at, seq: null, reason: 'online again' };
  tellCleared(ctx, clearLockerAlert(ctx.db, lockerId, 'offline', clearing), clearing.reason);
}

/** One page of the sweep: alerts whose end time has come are cleared. Returns how many. */
export function endDueAlerts(ctx: CloudContext, limit: number): number {
  const ended = clearEndedAlerts(ctx.db, ctx.clock.now(), limit);
  for (const a of ended) tellCleared(ctx, [a], `ended: ${a.kind.replaceAll('_', ' ')}`);
  return ended.length;
}

/** One page of the sweep: lockers offline longer than the threshold get an alert. */
export function raiseOfflineAlerts(ctx: CloudContext, limit: number): number {
  const now = ctx.clock.now();
  const after = ctx.policy.offlineAlertAfterMs;
  const due = offlineWithoutAlert(ctx.db, now - after, limit);
  for (const l of due)
    raiseAndTell(ctx, {
      lockerId: l.id,
      compartmentId: null,
      kind: 'offline',
      detail: `Offline since ${iso(l.presenceAt)}, longer than ${minutes(after)}.`,
      seq: null,
      raisedAt: now,
    });
  return due.length;
}
