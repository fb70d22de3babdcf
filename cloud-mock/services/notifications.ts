/**
 * Writes the customer messages (the inbox stands in for SMS and e-mail): one per parcel and
 * kind, however often the trigger repeats.
 */
import type { Customer, NotificationKind } from '../../src/shared/rest/schemas';
import { insertNotification } from '../store/notifications';
import type { CloudParcel } from '../store/parcels';
import type { CloudReturn } from '../store/returns';
import { iso, type CloudContext } from './context';

function recipients(customer: string | null, trackingBarcode: string | null): string[] {
  if (customer === null) return [`carrier:${trackingBarcode ?? 'unknown'}`];
  const c = JSON.parse(customer) as Customer;
  return [c.phone, c.email].filter((v): v is string => v !== undefined);
}

const greeting = (customer: string | null): string =>
  customer === null ? 'Hello' : `Hello ${(JSON.parse(customer) as Customer).name}`;

export function notifyParcel(
  ctx: CloudContext,
  kind: Exclude<NotificationKind, 'return_code'>,
  parcel: CloudParcel,
  lockerName: string,
): boolean {
  const hi = greeting(parcel.customer);
  const until = parcel.expiresAt === null ? '' : ` until ${iso(parcel.expiresAt)}`;
  const what = `parcel ${parcel.trackingBarcode}`;
  const orScan = parcel.qrPayload === null ? '' : ' (or scan the QR code)';
  const messages: Record<typeof kind, { subject: string; text: string }> = {
    pickup_code: {
      subject: `Your ${what} is ready at ${lockerName}`,
      text: `${hi}, your ${what} is waiting at ${lockerName}${until}. Pickup code: ${parcel.pickupCode ?? '—'}${orScan}.`,
    },
    reminder: {
      subject: `Reminder: your ${what} is waiting`,
      text: `${hi}, your ${what} is still waiting at ${lockerName}${until}.`,
    },
    expiry_warning: {
      subject: `Last day to collect your ${what}`,
      text: `${hi}, your ${what} at ${lockerName} will be returned to the sender if it is not collected${until}.`,
    },
    expired: {
      subject: `Your ${what} was not collected`,
      text: `${hi}, the holding period of your ${what} at ${lockerName} has ended; it goes back to the sender. Contact support if you still need it.`,
    },
    picked_up: {
      subject: `Your ${what} was picked up`,
      text: `${hi}, your ${what} was picked up from ${lockerName}. Thank you.`,
    },
  };
  const withCode = kind === 'pickup_code' && parcel.pickupCode !== null;
  return insertNotification(ctx.db, {
    kind,
    lockerId: parcel.lockerId,
    parcelId: parcel.parcelId,
    returnId: null,
    to: recipients(parcel.customer, parcel.trackingBarcode),
    ...messages[kind],
    code: withCode ? parcel.pickupCode : null,
    qrPayload: withCode ? parcel.qrPayload : null,
    createdAt: ctx.clock.now(),
    // A warning or expiry belongs to one deadline: an extension earns a new one.
    dedupeKey:
      kind === 'expiry_warning' || kind === 'expired'
        ? `${parcel.allocationId}:${kind}:${parcel.expiresAt ?? ''}`
        : `${parcel.allocationId}:${kind}`,
  });
}

export function notifyReturnCode(ctx: CloudContext, ret: CloudReturn, lockerName: string): void {
  const code = ret.returnCode ?? '';
  insertNotification(ctx.db, {
    kind: 'return_code',
    lockerId: ret.lockerId,
    parcelId: null,
    returnId: ret.returnId,
    to: recipients(ret.customer, null),
    subject: `Your return code for ${lockerName}`,
    text: `${greeting(ret.customer)}, drop your return (size ${ret.size}) at ${lockerName} with code ${code}${ret.qrPayload === null ? '' : ' (or scan the QR code)'}.`,
    code,
    qrPayload: ret.qrPayload,
    createdAt: ctx.clock.now(),
    dedupeKey: `${ret.returnId}:return_code`,
  });
}
