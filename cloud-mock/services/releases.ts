/**
 * Letting a promised compartment go: a parcel or return cancelled (by the merchant, or lapsed)
 * is closed here at once, but keeps its compartment promised (`releasePending`) until the unit
 * confirms the cancel; a cancel the unit refuses (a deposit in progress) puts the promise back
 * and is reported to the merchant. Each runs inside the caller's transaction.
 */
import { recordAllocationStatus } from './lifeStatus';
import type { CloudParcel } from '../store/parcels';
import { getParcel, saveParcel } from '../store/parcels';
import { getReturn, saveReturn, type CloudReturn } from '../store/returns';
import type { Commands } from './commands';
import type { CloudContext } from './context';
import { recordStatus } from './statusEvents';

type Why = 'cancel' | 'lapse';
/** A refused lapse is tried again after this, not on every scheduler tick. */
const LAPSE_RETRY_MS = 3_600_000;

/** Closes an expected parcel and sends parcel.cancel; its compartment stays held. */
export function requestRelease(
  ctx: CloudContext,
  commands: Commands,
  parcel: CloudParcel,
  why: Why,
  now: number,
  also: Partial<Pick<CloudParcel, 'misdeliveredTo' | 'lockerRefusal'>> = {},
): string {
  saveParcel(ctx.db, {
    ...parcel,
    state: 'cancelled',
    pickupCode: null,
    qrPayload: null,
    closedAt: now,
    releasePending: why,
    lockerRefusal: null,
    ...also,
  });
  return commands.issue(parcel.lockerId, 'parcel.cancel', { parcelId: parcel.parcelId });
}

/** The unit confirmed (or never knew the parcel): the compartment is free to promise again. */
export function confirmRelease(ctx: CloudContext, allocationId: string): void {
  const parcel = getParcel(ctx.db, allocationId);
  if (!parcel || parcel.releasePending === null) return;
  saveParcel(ctx.db, { ...parcel, releasePending: null });
  recordAllocationStatus(
    ctx,
    parcel.releasePending === 'lapse' ? 'parcel.lapsed' : 'parcel.cancelled',
    parcel.allocationId,
    parcel.misdeliveredTo === null ? {} : { misdeliveredTo: parcel.misdeliveredTo },
  );
}

/**
 * The unit refused the cancel (a courier is putting the parcel in): the allocation stands again,
 * still promised, and the merchant is told why.
 */
export function refuseRelease(
  ctx: CloudContext,
  allocationId: string,
  refusal: { reason: string; detail: string | null },
): void {
  const parcel = getParcel(ctx.db, allocationId);
  if (!parcel) return;
  const words = `cancel refused: ${refusal.detail ?? refusal.reason}`;
  const now = ctx.clock.now();
  if (parcel.state === 'cancelled' && parcel.releasePending !== null)
    saveParcel(ctx.db, {
      ...parcel,
      state: 'expected',
      closedAt: null,
      releasePending: null,
      lockerRefusal: words,
      lapsesAt: parcel.releasePending === 'lapse' ? now + LAPSE_RETRY_MS : parcel.lapsesAt,
    });
  else saveParcel(ctx.db, { ...parcel, lockerRefusal: words });
  ctx.log.warn(
    { lockerId: parcel.lockerId, allocationId, ...refusal },
    'the locker refused a cancel',
  );
  recordAllocationStatus(ctx, 'parcel.cancel_refused', allocationId, {
    reason: refusal.reason,
    detail: refusal.detail,
    was: parcel.releasePending ?? 'cancel',
  });
}

/** Closes an expected return and sends return.cancel; its compartment stays held. */
export function requestReturnRelease(
  ctx: CloudContext,
  commands: Commands,
  ret: CloudReturn,
  why: Why,
  now: number,
): string {
  saveReturn(ctx.db, {
    ...ret,
    state: 'cancelled',
    returnCode: null,
    qrPayload: null,
    closedAt: now,
    releasePending: why,
    lockerRefusal: null,
  });
  return commands.issue(ret.lockerId, 'return.cancel', { returnId: ret.returnId });
}

export function confirmReturnRelease(ctx: CloudContext, returnId: string): void {
  const ret = getReturn(ctx.db, returnId);
  if (!ret || ret.releasePending === null) return;
  saveReturn(ctx.db, { ...ret, releasePending: null });
  recordStatus(ctx, {
    type: ret.releasePending === 'lapse' ? 'return.lapsed' : 'return.cancelled',
    lockerId: ret.lockerId,
    returnId,
    data: {},
  });
}

/** The unit refused (the customer is dropping it): the return stands again, still promised. */
export function refuseReturnRelease(
  ctx: CloudContext,
  returnId: string,
  refusal: { reason: string; detail: string | null },
): void {
  const ret = getReturn(ctx.db, returnId);
  if (!ret) return;
  const words = `cancel refused: ${refusal.detail ?? refusal.reason}`;
  ctx.log.warn({ lockerId: ret.lockerId, returnId, ...refusal }, 'the locker refused a cancel');
  // Its code was cleared: the unit still holds the digest, so the customer's code still works.
  saveReturn(
    ctx.db,
    ret.state === 'cancelled' && ret.releasePending !== null
      ? { ...ret, state: 'expected', closedAt: null, releasePending: null, lockerRefusal: words }
      : { ...ret, lockerRefusal: words },
  );
}
