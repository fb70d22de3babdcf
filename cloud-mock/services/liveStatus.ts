/**
 * Status in real time, put together: the durable feed of status events, the webhook sender,
 * the customer status page's tokens and view, and "resend my code". Built once by the cloud's
 * composition root.
 */
import { ok, type Result } from '../../src/shared/result';
import type { ParcelState } from '../../src/shared/domain';
import type { CustomerLanguage } from '../../src/shared/rest/schemas';
import type { StatusEvent } from '../../src/shared/rest/statusEvents';
import type { ApiKeyRecord } from '../store/apiKeys';
import { getLocker } from '../store/lockers';
import { countNotificationsSince } from '../store/notifications';
import { getOwner } from '../store/owners';
import { getParcel, type CloudParcel } from '../store/parcels';
import { walSyncOf } from '../store/walSync';
import { DEFAULT_HEARTBEAT_MS } from '../http/eventStream';
import { iso, type CloudContext } from './context';
import { notifyParcel, resendKeyPrefix } from './notifications';
import { mayActOn } from './ownership';
import { notFound, refuse, type Refusal } from './refusal';
import { StatusFeed } from './statusFeed';
import { StatusTokens } from './statusToken';
import { DEFAULT_WEBHOOK_POLICY, WebhookDelivery, type WebhookPolicy } from './webhookDelivery';

/** Codes a customer may have sent again in an hour. */
export const MAX_RESENDS_PER_HOUR = 3;
const HOUR_MS = 3_600_000;

export interface LiveStatusOptions {
  heartbeatMs?: number;
  webhooks?: Partial<WebhookPolicy>;
}

/** What the customer's status page shows. */
export interface CustomerView {
  allocationId: string;
  state: ParcelState;
  trackingBarcode: string | null;
  language: CustomerLanguage;
  locker: { name: string; address: string; online: boolean | null };
  /** The code and QR while the parcel waits in the locker; else null. */
  pickupCode: string | null;
  qrPayload: string | null;
  expiresAt: string | null;
  /** The last status event this view includes: a stream resumes after it. */
  lastEventId: number;
}

export class LiveStatus {
  readonly feed: StatusFeed;
  readonly tokens: StatusTokens;
  readonly webhooks: WebhookDelivery;
  /** How often a status stream sends a heartbeat comment. */
  readonly heartbeatMs: number;
  private baseUrl = '';

  constructor(
    private readonly ctx: CloudContext,
    options: LiveStatusOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    const webhookPolicy = { ...DEFAULT_WEBHOOK_POLICY, ...options.webhooks };
    this.feed = new StatusFeed(ctx.db, walSyncOf(ctx.db));
    this.tokens = new StatusTokens(ctx.signingKey);
    this.webhooks = new WebhookDelivery(ctx, this.feed, webhookPolicy);
  }

  /** Where the REST API is reached from outside: the status page links start there. */
  setBaseUrl(url: string): void {
    this.baseUrl = url.replace(/\/+$/, '');
  }

  statusUrl(allocationId: string): string {
    return `${this.baseUrl}${this.tokens.pathFor(allocationId)}`;
  }

  async close(): Promise<void> {
    await this.webhooks.close();
    this.feed.close();
  }

  /** The parcel behind a status page link; null for a wrong token or no such allocation. */
  parcelFor(allocationId: string, token: unknown): CloudParcel | null {
    // The token is checked first and the same way for every id: its answer tells nothing.
    if (!this.tokens.check(allocationId, token)) return null;
    return getParcel(this.ctx.db, allocationId);
  }

  customerView(parcel: CloudParcel): CustomerView {
    const locker = getLocker(this.ctx.db, parcel.lockerId);
    const waiting = parcel.state === 'deposited';
    return {
      allocationId: parcel.allocationId,
      state: parcel.state,
      trackingBarcode: parcel.trackingBarcode,
      language: getOwner(this.ctx.db, 'allocation', parcel.allocationId)?.language ?? 'en',
      locker: {
        name: locker?.name ?? parcel.lockerId,
        address: locker?.address ?? '',
        online:
          locker === null || locker.presence === 'unknown' ? null : locker.presence === 'online',
      },
      pickupCode: waiting ? parcel.pickupCode : null,
      qrPayload: waiting ? parcel.qrPayload : null,
      expiresAt: parcel.expiresAt === null ? null : iso(parcel.expiresAt),
      lastEventId: this.feed.durableId,
    };
  }

  /** The part of a locker's status event this parcel's customer may see; null: none of it. */
  forCustomer(parcel: CloudParcel, e: StatusEvent): StatusEvent | null {
    if (e.lockerId !== parcel.lockerId) return null;
    if (e.type === 'locker.changed')
      return typeof e.data['online'] === 'boolean'
        ? { ...e, data: { online: e.data['online'] } }
        : null;
    const mine =
      e.data['allocationId'] === parcel.allocationId ||
      (e.parcelId !== null &&
        (e.parcelId === parcel.parcelId || e.parcelId === parcel.cloudParcelId));
    return mine ? e : null;
  }

  /** Sends the customer their code again (rate-limited); a merchant only for its own parcels. */
  resendCode(
    allocationId: string,
    caller: Pick<ApiKeyRecord, 'id' | 'role'> | null,
  ): Result<{ allocationId: string; sent: true }, Refusal> {
    const { db, clock } = this.ctx;
    const parcel = getParcel(db, allocationId);
    // Another merchant's allocation is answered as if it did not exist.
    if (!parcel || !mayActOn(db, caller, 'allocation', allocationId)) return notFound('allocation');
    if (parcel.state !== 'deposited' || parcel.pickupCode === null)
      return refuse(409, 'not_waiting', `the parcel is ${parcel.state}, not waiting in the locker`);
    const now = clock.now();
    const sent = countNotificationsSince(db, resendKeyPrefix(allocationId), now - HOUR_MS);
    if (sent >= MAX_RESENDS_PER_HOUR) {
      this.ctx.log.warn({ allocationId, sent }, 'code resend refused: too many this hour');
      return refuse(429, 'too_many_resends', `at most ${MAX_RESENDS_PER_HOUR} an hour`);
    }
    const lockerName = getLocker(db, parcel.lockerId)?.name ?? parcel.lockerId;
    // Numbered, not timed: two in the same millisecond are two messages.
    const resend = countNotificationsSince(db, resendKeyPrefix(allocationId), 0) + 1;
    notifyParcel(this.ctx, 'pickup_code', parcel, lockerName, { resend });
    this.ctx.log.info({ allocationId }, 'pickup code sent again');
    return ok({ allocationId, sent: true });
  }
}
