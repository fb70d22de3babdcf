/**
 * How a parcel the unit reports meets the cloud's allocations: an announced deposit, one the
 * cloud was not told of (matched by barcode, or given a code here), and the unit's later merge
 * of the two (parcel.merged). The unit's id stays the parcel's id; the sender's id is kept as
 * its alias, so there is one parcel, one code (with its QR) and one customer notification.
 */
import { recordAllocationStatus } from './lifeStatus';
import { z } from 'zod';
import type { SignedEvent } from '../../src/shared/events';
import { getCompartment } from '../store/compartments';
import type { Locker } from '../store/lockers';
import {
  deleteParcel,
  findExpectedByBarcode,
  findExpectedByBarcodeAnywhere,
  getParcelByParcelId,
  insertParcel,
  saveParcel,
  type CloudParcel,
} from '../store/parcels';
import { newLockerCode, qrDigestField } from './codes';
import type { Commands } from './commands';
import { DAY_MS, type CloudContext } from './context';
import { notifyParcel } from './notifications';
import { confirmRelease, requestRelease } from './releases';

const id = z.string().min(1).max(128);
export const DepositedPayload = z.object({
  parcelId: id,
  trackingBarcode: z.string(),
  compartmentId: id,
  expiresAt: z.iso.datetime(),
  announced: z.boolean(),
});
const Merged = z.object({ parcelId: id, cloudParcelId: id, trackingBarcode: z.string() });

/**
 * A deposit: the announced parcel's customer gets the code now. A parcel the cloud was not
 * told of (the unit was offline) is matched to an expected allocation by its barcode, or gets
 * a code and QR generated here; either way their digests are sent as parcel.code.
 */
export function recordDeposit(
  ctx: CloudContext,
  commands: Commands,
  l: Locker,
  e: SignedEvent,
): void {
  const p = DepositedPayload.parse(e.payload);
  const { db } = ctx;
  const at = Date.parse(e.at);
  const expiresAt = Date.parse(p.expiresAt);

  let parcel =
    getParcelByParcelId(db, l.id, p.parcelId) ??
    // The unit names an unannounced parcel itself; the cloud may know it by its barcode.
    findExpectedByBarcode(db, l.id, p.trackingBarcode);
  const codeKey = l.codeDigestKey === null ? null : Buffer.from(l.codeDigestKey, 'base64url');
  if (codeKey === null) return;

  if (parcel === null) {
    const issued = newLockerCode(ctx, l, codeKey, 'pickup');
    const size = getCompartment(db, l.id, p.compartmentId)?.size ?? null;
    // Meant for another locker (the courier's mistake): its customer is told where it is.
    const meant = findExpectedByBarcodeAnywhere(db, p.trackingBarcode);
    parcel = {
      allocationId: ctx.newId(),
      lockerId: l.id,
      parcelId: p.parcelId,
      cloudParcelId: null,
      trackingBarcode: p.trackingBarcode,
      state: 'deposited',
      size,
      dimensions: meant?.dimensions ?? null,
      weightG: meant?.weightG ?? null,
      accessible: meant?.accessible ?? false,
      customer: meant?.customer ?? null,
      holdDays: Math.max(1, Math.round((expiresAt - at) / DAY_MS)),
      pickupCode: issued.code,
      codeDigest: issued.digest,
      qrPayload: issued.qrPayload,
      compartmentId: p.compartmentId,
      announced: false,
      createdAt: ctx.clock.now(),
      lapsesAt: at,
      depositedAt: at,
      expiresAt,
      closedAt: null,
      releasePending: null,
      lockerRefusal: null,
      misdeliveredTo: null,
    };
    insertParcel(db, parcel);
    if (meant) misdelivered(ctx, commands, meant, l, parcel.allocationId);
    commands.issue(l.id, 'parcel.code', {
      parcelId: p.parcelId,
      codeDigest: issued.digest,
      qrDigest: issued.qrDigest,
    });
  } else {
    const renamed = parcel.parcelId !== p.parcelId;
    parcel = {
      ...parcel,
      parcelId: p.parcelId,
      // The sender's id stays findable: the unit merges it when the announcement arrives.
      cloudParcelId: renamed ? parcel.parcelId : parcel.cloudParcelId,
      state: 'deposited',
      compartmentId: p.compartmentId,
      depositedAt: at,
      expiresAt,
      // In the locker after all (a cancel that came too late): it holds a compartment itself.
      releasePending: null,
    };
    const newCode = parcel.pickupCode === null;
    if (newCode) {
      const fresh = newLockerCode(ctx, l, codeKey, 'pickup');
      parcel = {
        ...parcel,
        pickupCode: fresh.code,
        codeDigest: fresh.digest,
        qrPayload: fresh.qrPayload,
      };
    }
    saveParcel(db, parcel);
    // The unit did not get our announcement (or knows it by another id): send the digests.
    if (!p.announced || renamed || newCode)
      commands.issue(l.id, 'parcel.code', {
        parcelId: p.parcelId,
        codeDigest: parcel.codeDigest!,
        ...qrDigestField(codeKey, parcel.qrPayload),
      });
  }
  notifyParcel(ctx, 'pickup_code', parcel, l.name);
}

/**
 * The parcel of `meant` (an allocation at another locker) was deposited at `at`: the allocation
 * is cancelled there (its compartment let go once that unit confirms), and the merchant and
 * the customer's status page hear where it is; the customer's code is for `at`.
 */
function misdelivered(
  ctx: CloudContext,
  commands: Commands,
  meant: CloudParcel,
  at: Locker,
  allocationId: string,
): void {
  ctx.log.warn(
    { lockerId: at.id, meantFor: meant.lockerId, trackingBarcode: meant.trackingBarcode },
    'parcel deposited at another locker than its allocation; matched by barcode',
  );
  requestRelease(ctx, commands, meant, 'cancel', ctx.clock.now(), { misdeliveredTo: at.id });
  recordAllocationStatus(ctx, 'parcel.misdelivered', meant.allocationId, {
    atLockerId: at.id,
    atLockerName: at.name,
    atAddress: at.address,
    atAllocationId: allocationId,
  });
}

/**
 * The unit merged the sender's announcement (`cloudParcelId`) into the parcel it took in
 * offline (`parcelId`). The allocation takes over the deposit (compartment, deposit time, the
 * unit's state) under the unit's id; the record the cloud made for the unannounced deposit is
 * folded into it and deleted. The unit now holds the allocation's code and QR, so those go to
 * the customer; the carrier's earlier code and QR are dead.
 */
export function recordMerge(ctx: CloudContext, commands: Commands, l: Locker, e: SignedEvent) {
  const p = Merged.parse(e.payload);
  const { db, log } = ctx;
  const where = { lockerId: l.id, parcelId: p.parcelId, cloudParcelId: p.cloudParcelId };
  const allocation = getParcelByParcelId(db, l.id, p.cloudParcelId);
  const local = getParcelByParcelId(db, l.id, p.parcelId);
  if (!allocation || !local)
    return log.warn(where, 'parcel.merged names a parcel the cloud has no record of');
  // Already matched by barcode when the deposit was reported: one record already.
  if (allocation.allocationId === local.allocationId) return;
  if (allocation.state !== 'expected') {
    // Cancelled or lapsed meanwhile: nobody holds its code, so the unit gets the local one back.
    log.warn({ ...where, state: allocation.state }, 'merge into a closed allocation undone');
    // The unit holds the parcel under its own id, in a compartment: the allocation holds none.
    confirmRelease(ctx, allocation.allocationId);
    if (local.codeDigest !== null && local.closedAt === null && l.codeDigestKey !== null)
      commands.issue(l.id, 'parcel.code', {
        parcelId: local.parcelId,
        codeDigest: local.codeDigest,
        ...qrDigestField(Buffer.from(l.codeDigestKey, 'base64url'), local.qrPayload),
      });
    return;
  }
  deleteParcel(db, local.allocationId);
  const merged: CloudParcel = {
    ...allocation,
    parcelId: local.parcelId,
    cloudParcelId: allocation.parcelId,
    state: local.state,
    compartmentId: local.compartmentId,
    depositedAt: local.depositedAt,
    // The unit applies the allocation's holding period from the deposit.
    expiresAt:
      local.depositedAt === null
        ? local.expiresAt
        : local.depositedAt + allocation.holdDays * DAY_MS,
    closedAt: local.closedAt,
    pickupCode: local.closedAt === null ? allocation.pickupCode : null,
    qrPayload: local.closedAt === null ? allocation.qrPayload : null,
  };
  saveParcel(db, merged);
  log.info({ ...where, allocationId: merged.allocationId }, 'parcel merged into its allocation');
  if (merged.state === 'deposited') notifyParcel(ctx, 'pickup_code', merged, l.name);
}
