/**
 * Writes the customer messages (the inbox stands in for SMS and e-mail) in the customer's
 * language: one per parcel and kind, however often the trigger repeats, besides the codes the
 * customer asks to be sent again.
 */
import type { Customer, NotificationKind } from '../../src/shared/rest/schemas';
import { insertNotification } from '../store/notifications';
import { getOwner } from '../store/owners';
import { CUSTOMER_WORDS } from './customerWords';
import type { CloudParcel } from '../store/parcels';
import type { CloudReturn } from '../store/returns';
import { iso, type CloudContext } from './context';

function recipients(customer: string | null, trackingBarcode: string | null): string[] {
  if (customer === null) return [`carrier:${trackingBarcode ?? 'unknown'}`];
  const c = JSON.parse(customer) as Customer;
  return [c.phone, c.email].filter((v): v is string => v !== undefined);
}

/** How a parcel notice is sent: `resend` numbers the customer's asking again ("resend my code"). */
export interface NoticeOptions {
  resend?: number;
}

export function notifyParcel(
  ctx: CloudContext,
  kind: Exclude<NotificationKind, 'return_code'>,
  parcel: CloudParcel,
  lockerName: string,
  options: NoticeOptions = {},
): boolean {
  const language = getOwner(ctx.db, 'allocation', parcel.allocationId)?.language ?? 'en';
  const words = CUSTOMER_WORDS[language];
  const name = parcel.customer === null ? null : (JSON.parse(parcel.customer) as Customer).name;
  const url = ctx.statusPageUrl?.(parcel.allocationId);
  const message = words.notices[kind]({
    hi: name === null ? words.hello : `${words.hello} ${name}`,
    what: words.parcel(parcel.trackingBarcode),
    locker: lockerName,
    until: parcel.expiresAt === null ? '' : words.until(iso(parcel.expiresAt)),
    code: parcel.pickupCode ?? '—',
    orScan: parcel.qrPayload === null ? '' : words.orScan,
    // The customer's status page; only they get it (it shows the code).
    link: url === undefined || parcel.customer === null ? '' : words.follow(url),
  });
  const withCode = kind === 'pickup_code' && parcel.pickupCode !== null;
  const at = ctx.clock.now();
  return insertNotification(ctx.db, {
    kind,
    lockerId: parcel.lockerId,
    parcelId: parcel.parcelId,
    returnId: null,
    to: recipients(parcel.customer, parcel.trackingBarcode),
    ...message,
    code: withCode ? parcel.pickupCode : null,
    qrPayload: withCode ? parcel.qrPayload : null,
    createdAt: at,
    // A warning or expiry belongs to one deadline: an extension earns a new one.
    dedupeKey:
      options.resend !== undefined
        ? `${resendKeyPrefix(parcel.allocationId)}${options.resend}`
        : kind === 'expiry_warning' || kind === 'expired'
          ? `${parcel.allocationId}:${kind}:${parcel.expiresAt ?? ''}`
          : `${parcel.allocationId}:${kind}`,
  });
}

/** The dedupe keys of a parcel's resent codes start with this (one per resend). */
export const resendKeyPrefix = (allocationId: string) => `${allocationId}:pickup_code:resend:`;

export function notifyReturnCode(ctx: CloudContext, ret: CloudReturn, lockerName: string): void {
  const code = ret.returnCode ?? '';
  const words = CUSTOMER_WORDS[getOwner(ctx.db, 'return', ret.returnId)?.language ?? 'en'];
  const name = (JSON.parse(ret.customer) as Customer).name;
  insertNotification(ctx.db, {
    kind: 'return_code',
    lockerId: ret.lockerId,
    parcelId: null,
    returnId: ret.returnId,
    to: recipients(ret.customer, null),
    ...words.returnCode({
      hi: `${words.hello} ${name}`,
      locker: lockerName,
      size: ret.size,
      code,
      orScan: ret.qrPayload === null ? '' : words.orScan,
    }),
    code,
    qrPayload: ret.qrPayload,
    createdAt: ctx.clock.now(),
    dedupeKey: `${ret.returnId}:return_code`,
  });
}
