/**
 * What the cloud does with a command's outcome: the unit's `command.result`, or the end of its
 * lifetime without one. A refused parcel.expect lets its compartment go and tells the merchant;
 * a cancel confirmed lets it go, one refused puts the promise back (releases.ts); a refused
 * extend restores the expiry from before it. Runs inside the ingest (or scheduler) transaction.
 */
import { recordAllocationStatus } from './lifeStatus';
import { z } from 'zod';
import { getParcelByParcelId, saveParcel } from '../store/parcels';
import { getReturn, saveReturn } from '../store/returns';
import type { StoredCommand } from '../store/commands';
import type { CloudContext } from './context';
import type { Commands } from './commands';
import {
  confirmRelease,
  confirmReturnRelease,
  refuseRelease,
  refuseReturnRelease,
  requestRelease,
  requestReturnRelease,
} from './releases';
import { recordStatus } from './statusEvents';

export interface Outcome {
  ok: boolean;
  /** The unit's reason code, or `unanswered` when the lifetime ended without an answer. */
  error: string | null;
  detail: string | null;
}

/** The cloud's own mark for a command whose lifetime ended before the unit answered it. */
export const UNANSWERED = 'unanswered';

const Payload = z.object({ parcelId: z.string().optional(), returnId: z.string().optional() });
const Undo = z.object({
  holdDays: z.number(),
  expiresAt: z.number().nullable(),
  state: z.enum(['deposited', 'expired']),
});

export class CommandOutcomes {
  constructor(
    private readonly ctx: CloudContext,
    private readonly commands: Commands,
  ) {}

  settle(command: StoredCommand, outcome: Outcome): void {
    const signed = JSON.parse(command.signed) as { payload?: unknown };
    const { parcelId, returnId } = Payload.parse(signed.payload ?? {});
    const parcel =
      parcelId === undefined ? null : getParcelByParcelId(this.ctx.db, command.lockerId, parcelId);
    const ret = returnId === undefined ? null : getReturn(this.ctx.db, returnId);
    const refusal = { reason: outcome.error ?? 'failed', detail: outcome.detail };
    switch (command.type) {
      case 'parcel.expect':
        // Unanswered is not refused: the unit may hold it, so it is cancelled there first.
        if (outcome.error === UNANSWERED && parcel?.state === 'expected')
          return void requestRelease(this.ctx, this.commands, parcel, 'lapse', this.now());
        if (!outcome.ok && parcel?.state === 'expected') {
          // The unit will not take it: nobody can deposit it there, so nothing is held.
          const words = [refusal.reason, refusal.detail].filter((w) => w !== null).join(': ');
          saveParcel(this.ctx.db, {
            ...parcel,
            state: 'cancelled',
            pickupCode: null,
            qrPayload: null,
            closedAt: this.now(),
            releasePending: null,
            lockerRefusal: `refused by locker: ${words}`,
          });
          recordAllocationStatus(this.ctx, 'parcel.expect_refused', parcel.allocationId, {
            ...refusal,
          });
        }
        return;
      case 'parcel.cancel':
        if (!parcel) return;
        // The unit that never knew the parcel holds nothing for it either; a cancel unanswered
        // for its whole lifetime (a week) lets go rather than hold a compartment for ever.
        if (outcome.ok || outcome.error === 'unknown_parcel' || outcome.error === UNANSWERED)
          return confirmRelease(this.ctx, parcel.allocationId);
        return refuseRelease(this.ctx, parcel.allocationId, refusal);
      case 'parcel.extend':
        if (!parcel) return;
        if (outcome.ok) {
          recordAllocationStatus(this.ctx, 'parcel.extended', parcel.allocationId, {
            holdDays: parcel.holdDays,
          });
          return;
        }
        return this.undoExtend(command, parcel, refusal);
      case 'return.expect':
        if (outcome.error === UNANSWERED && ret?.state === 'expected')
          return void requestReturnRelease(this.ctx, this.commands, ret, 'lapse', this.now());
        if (!outcome.ok && ret?.state === 'expected') {
          const words = [refusal.reason, refusal.detail].filter((w) => w !== null).join(': ');
          saveReturn(this.ctx.db, {
            ...ret,
            state: 'cancelled',
            returnCode: null,
            qrPayload: null,
            closedAt: this.now(),
            releasePending: null,
            lockerRefusal: `refused by locker: ${words}`,
          });
          recordStatus(this.ctx, {
            type: 'return.cancelled',
            lockerId: command.lockerId,
            returnId: ret.returnId,
            data: { refusedByLocker: refusal },
          });
        }
        return;
      case 'return.cancel':
        if (!ret) return;
        if (outcome.ok || outcome.error === 'unknown_return' || outcome.error === UNANSWERED)
          return confirmReturnRelease(this.ctx, ret.returnId);
        return refuseReturnRelease(this.ctx, ret.returnId, refusal);
      default:
        return;
    }
  }

  private now(): number {
    return this.ctx.clock.now();
  }

  /** Back to the hold from before this extend, unless a later one has changed it since. */
  private undoExtend(
    command: StoredCommand,
    parcel: NonNullable<ReturnType<typeof getParcelByParcelId>>,
    refusal: { reason: string; detail: string | null },
  ): void {
    const sent = (JSON.parse(command.signed) as { payload: { holdDays: number } }).payload;
    const undo = command.undo === null ? null : Undo.safeParse(JSON.parse(command.undo));
    if (undo?.success && parcel.holdDays === sent.holdDays) {
      const restored = undo.data;
      // A deadline passed meanwhile is the scheduler's to act on (and tell the customer).
      saveParcel(this.ctx.db, {
        ...parcel,
        holdDays: restored.holdDays,
        expiresAt: restored.expiresAt,
        state: parcel.state === 'deposited' ? restored.state : parcel.state,
        lockerRefusal: `extend refused: ${refusal.detail ?? refusal.reason}`,
      });
    }
    recordAllocationStatus(this.ctx, 'parcel.extend_refused', parcel.allocationId, {
      ...refusal,
      holdDays: sent.holdDays,
    });
  }
}
