/**
 * How a parcel and a return read over REST: their state, what is still pending at the unit (a
 * cancel or lapse not yet confirmed) and what the locker refused, for the locker's detail and
 * for the merchant's GET of one allocation or return.
 */
import { ok, type Result } from '../../src/shared/result';
import type { AllocationView, ParcelView, ReturnDetail } from '../../src/shared/rest/schemas';
import { getParcel, type CloudParcel } from '../store/parcels';
import { getReturn, type CloudReturn } from '../store/returns';
import { iso, type CloudContext } from './context';
import { notFound, type Refusal } from './refusal';

export function parcelView(p: CloudParcel): ParcelView {
  return {
    allocationId: p.allocationId,
    parcelId: p.parcelId,
    trackingBarcode: p.trackingBarcode,
    state: p.state,
    size: p.size,
    compartmentId: p.compartmentId,
    announced: p.announced,
    holdDays: p.holdDays,
    createdAt: iso(p.createdAt),
    depositedAt: p.depositedAt === null ? null : iso(p.depositedAt),
    expiresAt: p.expiresAt === null ? null : iso(p.expiresAt),
    pending: p.releasePending,
    lockerRefusal: p.lockerRefusal,
    misdeliveredTo: p.misdeliveredTo,
  };
}

export function returnView(r: CloudReturn): Omit<ReturnDetail, 'lockerId'> {
  return {
    returnId: r.returnId,
    size: r.size,
    state: r.state,
    compartmentId: r.compartmentId,
    createdAt: iso(r.createdAt),
    lapsesAt: iso(r.lapsesAt),
    pending: r.releasePending,
    lockerRefusal: r.lockerRefusal,
  };
}

/** GET /allocations/:id */
export function allocationDetail(
  ctx: CloudContext,
  allocationId: string,
): Result<AllocationView, Refusal> {
  const p = getParcel(ctx.db, allocationId);
  return p ? ok({ lockerId: p.lockerId, ...parcelView(p) }) : notFound('allocation');
}

/** GET /returns/:id */
export function returnDetail(ctx: CloudContext, returnId: string): Result<ReturnDetail, Refusal> {
  const r = getReturn(ctx.db, returnId);
  return r ? ok({ lockerId: r.lockerId, ...returnView(r) }) : notFound('return');
}
