/**
 * Allocations (DESIGN §6): reserve a size's capacity for a parcel in one SQLite transaction,
 * so no compartment is promised twice, generate its pickup code and QR, and announce it to the
 * unit with only their digests. Cancel and extend follow the parcel's state. Requests that
 * arrive together are committed together (each in its own savepoint), one fsync for the group,
 * and each is answered once that commit is durable.
 */
import { ok, type Result } from '../../src/shared/result';
import type { AllocationRequestSchema, AllocationResponse } from '../../src/shared/rest/schemas';
import type { z } from 'zod';
import { listCompartmentShapes } from '../store/compartments';
import type { ApiKeyRecord } from '../store/apiKeys';
import { setUndo } from '../store/commands';
import { GroupCommit } from '../store/groupCommit';
import { getLocker } from '../store/lockers';
import { insertOwner } from '../store/owners';
import { getParcel, getParcelByParcelId, insertParcel, saveParcel } from '../store/parcels';
import { promisableSize } from './capacity';
import { newLockerCode } from './codes';
import type { Commands } from './commands';
import { DAY_MS, iso, type CloudContext } from './context';
import { fits } from './fit';
import { notFound, refuse, type Refusal } from './refusal';
import { requestRelease } from './releases';

type AllocationInput = z.output<typeof AllocationRequestSchema>;
const MAX_HOLD_DAYS = 30;

export class Allocations {
  /** Requests that arrive together share one durable commit; their commands go out after it. */
  private readonly group: GroupCommit<string[]>;

  constructor(
    private readonly ctx: CloudContext,
    private readonly commands: Commands,
  ) {
    this.group = new GroupCommit(ctx.db, {
      atCommit: () => commands.takeIssued(),
      whenDurable: (ids) => commands.publish(ids),
    });
  }

  /** `caller`: the key that asks, who then owns the allocation (its webhooks get its events). */
  async allocate(
    req: AllocationInput,
    caller: Pick<ApiKeyRecord, 'id'> | null = null,
  ): Promise<Result<Omit<AllocationResponse, 'statusUrl'>, Refusal>> {
    return this.group.run(() => this.allocateInTx(req, caller));
  }

  private allocateInTx(
    req: AllocationInput,
    caller: Pick<ApiKeyRecord, 'id'> | null,
  ): Result<Omit<AllocationResponse, 'statusUrl'>, Refusal> {
    const { db, clock } = this.ctx;
    const locker = getLocker(db, req.lockerId);
    if (!locker) return notFound('locker');
    if (locker.codeDigestKey === null)
      return refuse(409, 'not_enrolled', `locker ${locker.id} has not enrolled yet`);
    const existing = getParcelByParcelId(db, locker.id, req.parcelId);
    if (existing)
      return refuse(
        409,
        'duplicate_parcel',
        `parcel ${req.parcelId} already has allocation ${existing.allocationId}`,
      );

    const size = promisableSize(db, locker.id, {
      kind: 'parcel',
      dimensions: req.dimensions,
      weightG: req.weightG,
      size: 'S', // the smallest it could be: promisableSize picks the size
    });
    if (size === null)
      // Which refusal: read only on this path (compartments come and go, so never cached).
      return listCompartmentShapes(db, locker.id).some((c) => fits(req, c))
        ? refuse(409, 'no_capacity', 'every compartment that fits is taken or promised')
        : refuse(409, 'no_compartment_fits', 'no compartment of this locker fits the parcel');

    const now = clock.now();
    const codeKey = Buffer.from(locker.codeDigestKey, 'base64url');
    const issued = newLockerCode(this.ctx, locker, codeKey, 'pickup');
    const allocationId = this.ctx.newId();
    const lapsesAt = now + this.ctx.policy.allocationDays * DAY_MS;
    insertParcel(db, {
      allocationId,
      lockerId: locker.id,
      parcelId: req.parcelId,
      cloudParcelId: null,
      trackingBarcode: req.trackingBarcode,
      state: 'expected',
      size,
      dimensions: req.dimensions,
      weightG: req.weightG,
      accessible: req.accessible,
      customer: JSON.stringify(req.customer),
      holdDays: req.holdDays,
      pickupCode: issued.code,
      codeDigest: issued.digest,
      qrPayload: issued.qrPayload,
      compartmentId: null,
      announced: true,
      createdAt: now,
      lapsesAt,
      depositedAt: null,
      expiresAt: null,
      closedAt: null,
      releasePending: null,
      lockerRefusal: null,
      misdeliveredTo: null,
    });
    insertOwner(db, 'allocation', allocationId, {
      apiKeyId: caller?.id ?? null,
      language: req.language,
    });
    this.commands.issue(locker.id, 'parcel.expect', {
      parcelId: req.parcelId,
      trackingBarcode: req.trackingBarcode,
      dimensions: req.dimensions,
      weightG: req.weightG,
      accessible: req.accessible,
      codeDigest: issued.digest,
      qrDigest: issued.qrDigest,
      holdDays: req.holdDays,
    });
    return ok({ allocationId, size, expiresAt: iso(lapsesAt) });
  }

  async cancel(
    allocationId: string,
  ): Promise<Result<{ allocationId: string; state: 'cancelled'; commandId: string }, Refusal>> {
    const { db, clock } = this.ctx;
    const result = await this.group.run(() => {
      const parcel = getParcel(db, allocationId);
      if (!parcel) return notFound('allocation');
      if (parcel.state !== 'expected')
        return refuse(409, 'not_cancellable', `the parcel is ${parcel.state}`);
      const commandId = requestRelease(this.ctx, this.commands, parcel, 'cancel', clock.now());
      return ok({ allocationId, state: 'cancelled' as const, commandId });
    });
    return result;
  }

  async extend(
    allocationId: string,
    days: number,
  ): Promise<
    Result<
      { allocationId: string; holdDays: number; expiresAt: string | null; commandId: string },
      Refusal
    >
  > {
    const { db } = this.ctx;
    const result = await this.group.run(() => {
      const parcel = getParcel(db, allocationId);
      if (!parcel) return notFound('allocation');
      // The unit extends a parcel in the locker; before deposit the hold has not started.
      if (parcel.state !== 'deposited' && parcel.state !== 'expired')
        return refuse(409, 'not_extendable', `the parcel is ${parcel.state}`);
      const holdDays = parcel.holdDays + days;
      if (holdDays > MAX_HOLD_DAYS)
        return refuse(409, 'not_extendable', `at most ${MAX_HOLD_DAYS} hold days in total`);
      const expiresAt = parcel.depositedAt === null ? null : parcel.depositedAt + holdDays * DAY_MS;
      saveParcel(db, {
        ...parcel,
        holdDays,
        expiresAt,
        state: parcel.state === 'expired' ? 'deposited' : parcel.state,
      });
      const commandId = this.commands.issue(parcel.lockerId, 'parcel.extend', {
        parcelId: parcel.parcelId,
        holdDays,
      });
      // Restored should the unit refuse it (commandOutcomes.ts).
      setUndo(db, commandId, {
        holdDays: parcel.holdDays,
        expiresAt: parcel.expiresAt,
        state: parcel.state,
      });
      return ok({
        allocationId,
        holdDays,
        expiresAt: expiresAt === null ? null : iso(expiresAt),
        commandId,
      });
    });
    return result;
  }
}
