/**
 * Sends queued webhook deliveries: each a POST of the status event's JSON, signed
 * (src/shared/node/webhookSignature.ts), answered 2xx or tried again after an exponential
 * backoff with jitter, until the last attempt fails it. Woken when status events become durable
 * (StatusFeed) and on a timer for retries; every attempt's outcome is in the delivery log.
 */
import type { Logger } from 'pino';
import {
  WEBHOOK_EVENT_ID_HEADER,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
} from '../../src/shared/rest/webhooks';
import { webhookSignature } from '../../src/shared/node/webhookSignature';
import { getStatusEvent } from '../store/statusEvents';
import {
  dueDeliveries,
  nextDeliveryAt,
  recordAttempt,
  type DeliveryRecord,
} from '../store/webhookDeliveries';
import { getWebhook } from '../store/webhooks';
import { walSyncOf } from '../store/walSync';
import type { CloudContext } from './context';
import type { StatusFeed } from './statusFeed';
import { anyWebhook, fanOut } from './webhookFanOut';

export interface WebhookPolicy {
  /** Delay before the second attempt; each later one doubles it. */
  firstRetryMs: number;
  /** Longest delay between two attempts. */
  maxRetryMs: number;
  /** Attempts before a delivery is failed. */
  maxAttempts: number;
  /** How long one attempt may take. */
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_POLICY: WebhookPolicy = {
  firstRetryMs: 1_000,
  maxRetryMs: 3_600_000,
  maxAttempts: 12,
  timeoutMs: 10_000,
};

/** Deliveries in flight at once. */
const PARALLEL = 8;
const FAN_OUT_PAGE = 500;
/** The retry timer looks again at least this often (the clock may be a test's). */
const MAX_IDLE_MS = 30_000;

/**
 * The wait after `failures` failed attempts: the doubling delay, capped, then "equal jitter"
 * (between half and all of it), so receivers that fail together are not retried together.
 */
export function backoffMs(policy: WebhookPolicy, failures: number, random: number): number {
  const full = Math.min(policy.maxRetryMs, policy.firstRetryMs * 2 ** Math.max(0, failures - 1));
  return Math.round(full / 2 + (random * full) / 2);
}

export class WebhookDelivery {
  private readonly inFlight = new Set<number>();
  private pumping: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Events up to here came while no webhook existed: none is owed them. */
  private skippedTo = 0;
  private readonly stopFeed: () => void;
  private readonly log: Logger;

  constructor(
    private readonly ctx: CloudContext,
    private readonly feed: StatusFeed,
    private readonly policy: WebhookPolicy = DEFAULT_WEBHOOK_POLICY,
  ) {
    this.log = ctx.log;
    this.stopFeed = feed.onDurable(() => this.wake());
  }

  /** Starts the first pass (what was queued before a restart goes out now). */
  start(): void {
    this.wake();
  }

  /** Fans out what is durable, then sends what is due; resolves when this pass is done. */
  wake(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.pumping) {
      // This pass may have read before the caller's change: the one after it covers it.
      this.again = true;
      return this.pumping.then(() => this.pumping ?? undefined);
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
      if (this.again && !this.closed) {
        this.again = false;
        void this.wake();
      } else this.arm();
    });
    return this.pumping;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopFeed();
    if (this.timer) clearTimeout(this.timer);
    await this.pumping;
  }

  private async pump(): Promise<void> {
    try {
      const { db } = this.ctx;
      const wal = walSyncOf(db);
      if (!anyWebhook(db)) {
        // Nobody to tell: no write per event. A webhook registered later gets only what comes
        // after it, so the fan-out may start from here.
        this.skippedTo = this.feed.durableId;
        return;
      }
      for (;;) {
        const upTo = this.feed.durableId;
        const now = this.ctx.clock.now();
        const { read } = wal.commit(() => fanOut(db, upTo, FAN_OUT_PAGE, now, this.skippedTo));
        if (read < FAN_OUT_PAGE) break;
      }
      const due = dueDeliveries(this.ctx.db, this.ctx.clock.now(), PARALLEL * 4).filter(
        (d) => !this.inFlight.has(d.id),
      );
      const queue = [...due];
      const worker = async () => {
        for (let d = queue.shift(); d; d = queue.shift()) await this.attempt(d);
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
      if (due.length === PARALLEL * 4) this.again = true;
    } catch (e) {
      this.log.error({ err: e }, 'webhook pass failed');
    }
  }

  /** The retry timer: wakes when the next pending delivery is due. */
  private arm(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    const next = this.ctx.db.open ? nextDeliveryAt(this.ctx.db) : null;
    const wait = next === null ? MAX_IDLE_MS : Math.min(MAX_IDLE_MS, next - this.ctx.clock.now());
    this.timer = setTimeout(() => void this.wake(), Math.max(10, wait));
    this.timer.unref();
  }

  private async attempt(d: DeliveryRecord): Promise<void> {
    const { db, clock } = this.ctx;
    const hook = getWebhook(db, d.webhookId);
    const event = getStatusEvent(db, d.eventId);
    if (!hook || !event) return;
    this.inFlight.add(d.id);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const body = JSON.stringify(event);
      const response = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'parcel-locker-cloud-webhooks/1',
          [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(
            hook.secret,
            Math.floor(clock.now() / 1000),
            body,
          ),
          [WEBHOOK_EVENT_ID_HEADER]: String(event.id),
          [WEBHOOK_ID_HEADER]: hook.id,
        },
        body,
        // A redirect is not followed: the merchant registered this URL, not another.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.policy.timeoutMs),
      });
      status = response.status;
      await response.body?.cancel();
      if (status < 200 || status > 299) error = `answered ${status}`;
    } catch (e) {
      error = (e as Error).cause instanceof Error ? String((e as Error).cause) : String(e);
    } finally {
      this.inFlight.delete(d.id);
    }
    if (!db.open) return;
    const now = clock.now();
    const attempts = d.attempts + 1;
    const done = error === null;
    const last = !done && attempts >= this.policy.maxAttempts;
    const random = this.ctx.randomBytes(4).readUInt32BE(0) / 2 ** 32;
    // Not waited on to disk: a log entry lost with the power means one more (signed, same id)
    // attempt, never a lost event.
    walSyncOf(db).commit(() =>
      recordAttempt(db, d.id, {
        state: done ? 'delivered' : last ? 'failed' : 'pending',
        nextAt: done || last ? now : now + backoffMs(this.policy, attempts, random),
        status,
        error: error?.slice(0, 300) ?? null,
        deliveredAt: done ? now : null,
      }),
    );
    const where = { webhookId: hook.id, eventId: event.id, attempts, status };
    if (done) this.log.debug(where, 'webhook delivered');
    else if (last) this.log.warn({ ...where, error }, 'webhook delivery failed; giving up');
    else this.log.info({ ...where, error }, 'webhook delivery failed; will retry');
  }
}
