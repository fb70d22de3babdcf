/**
 * The status events of a parcel's and a return's life as the unit reports it, and of a locker's
 * online state and availability: small calls for ingest and the view, each recorded in the
 * transaction that applies the change. A parcel's events name its allocation, whose merchant
 * gets them by webhook and whose customer sees them on the status page.
 */
import type { Availability } from '../../src/shared/rest/schemas';
import type { StatusEventType } from '../../src/shared/rest/statusEvents';
import { getParcel, type CloudParcel } from '../store/parcels';
import type { CloudReturn } from '../store/returns';
import { iso, type CloudContext } from './context';
import { recordStatus } from './statusEvents';

type Ctx = Pick<CloudContext, 'db' | 'clock'>;

export function recordParcelStatus(
  ctx: Ctx,
  type: Extract<StatusEventType, `parcel.${string}`>,
  parcel: CloudParcel,
  extra: Record<string, unknown> = {},
): number {
  return recordStatus(ctx, {
    type,
    lockerId: parcel.lockerId,
    parcelId: parcel.parcelId,
    data: {
      ...extra,
      allocationId: parcel.allocationId,
      trackingBarcode: parcel.trackingBarcode,
      state: parcel.state,
      compartmentId: parcel.compartmentId,
      expiresAt: parcel.expiresAt === null ? null : iso(parcel.expiresAt),
    },
  });
}

/**
 * The same for an allocation by its id, as it stands after the change (a refusal, a release, a
 * misdelivery): its merchant and its customer's page follow it by the same names.
 */
export function recordAllocationStatus(
  ctx: Ctx,
  type: Extract<StatusEventType, `parcel.${string}`>,
  allocationId: string,
  extra: Record<string, unknown> = {},
): number | null {
  const parcel = getParcel(ctx.db, allocationId);
  return parcel === null ? null : recordParcelStatus(ctx, type, parcel, extra);
}

export function recordReturnStatus(
  ctx: Ctx,
  type: Extract<StatusEventType, `return.${string}`>,
  ret: CloudReturn,
): number {
  return recordStatus(ctx, {
    type,
    lockerId: ret.lockerId,
    returnId: ret.returnId,
    data: { state: ret.state, size: ret.size, compartmentId: ret.compartmentId },
  });
}

/** The locker came online or went offline. */
export function recordPresenceChange(ctx: Ctx, lockerId: string, online: boolean): number {
  return recordStatus(ctx, { type: 'locker.changed', lockerId, data: { online } });
}

/** What the locker can still take, by size, changed. */
export function recordAvailabilityChange(
  ctx: Ctx,
  lockerId: string,
  availability: Availability,
): number {
  return recordStatus(ctx, { type: 'locker.changed', lockerId, data: { availability } });
}
