/**
 * What the cloud tells the unit about parcels and returns: expected parcels with their code
 * digests, cancellations, late codes, extensions, expected returns. Each is idempotent, so a
 * command delivered twice changes nothing the second time.
 */
import type { z } from 'zod';
import { ParcelExpectationSchema, ReturnExpectationSchema } from '../../shared/protocol/commands';
import { err, ok, type Result } from '../../shared/result';
import { parcelTransition } from '../core/stateMachines';
import { listDoorOperations } from '../store/doorOperations';
import { getParcel, insertParcel, saveParcel } from '../store/parcels';
import { getReturn, insertReturn } from '../store/returns';
import type { LockerContext } from './context';

export type AnnouncementError =
  | { reason: 'invalid'; problems: string[] }
  | { reason: 'unknown_parcel' }
  | { reason: 'conflict'; detail: string };

const invalid = (e: z.ZodError) =>
  err({
    reason: 'invalid' as const,
    problems: e.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
  });

export class Announcements {
  constructor(private readonly ctx: LockerContext) {}

  expectParcel(input: unknown): Result<'added' | 'unchanged', AnnouncementError> {
    const parsed = ParcelExpectationSchema.safeParse(input);
    if (!parsed.success) return invalid(parsed.error);
    const p = parsed.data;
    const { db, clock, policy } = this.ctx;
    return db.transaction((): Result<'added' | 'unchanged', AnnouncementError> => {
      const existing = getParcel(db, p.parcelId);
      if (existing) {
        if (existing.trackingBarcode !== p.trackingBarcode)
          return err({ reason: 'conflict', detail: 'parcel id reused with another barcode' });
        return ok('unchanged');
      }
      const holdDays = p.holdDays ?? policy.holdDays;
      insertParcel(db, {
        id: p.parcelId,
        trackingBarcode: p.trackingBarcode,
        state: 'expected',
        dimensions: p.dimensions,
        weightG: p.weightG,
        accessible: p.accessible,
        codeDigest: p.codeDigest,
        holdDays,
        compartmentId: null,
        announced: true,
        depositedBy: null,
        expectedAt: clock.now(),
        depositedAt: null,
        expiresAt: null,
        closedAt: null,
      });
      this.ctx.audit.append('parcel.expected', {
        parcelId: p.parcelId,
        trackingBarcode: p.trackingBarcode,
        dimensions: p.dimensions,
        weightG: p.weightG,
        holdDays,
      });
      return ok('added');
    })();
  }

  cancelParcel(parcelId: string): Result<'cancelled' | 'unchanged', AnnouncementError> {
    const { db, clock } = this.ctx;
    return db.transaction((): Result<'cancelled' | 'unchanged', AnnouncementError> => {
      const parcel = getParcel(db, parcelId);
      if (!parcel) return err({ reason: 'unknown_parcel' });
      if (parcel.state === 'cancelled') return ok('unchanged');
      // The courier is putting it in right now: the parcel is physically here. The cloud hears
      // of the deposit and can ask for it back through collection.
      const depositing = listDoorOperations(db).some(
        (op) => op.kind === 'deposit' && op.parcelId === parcelId,
      );
      if (depositing) return err({ reason: 'conflict', detail: 'deposit in progress' });
      const next = parcelTransition(parcel.state, 'cancel');
      if (!next.ok) return err({ reason: 'conflict', detail: `parcel is ${parcel.state}` });
      saveParcel(db, { ...parcel, state: next.value, closedAt: clock.now() });
      this.ctx.audit.append('parcel.cancelled', { parcelId });
      return ok('cancelled');
    })();
  }

  /** The code for a parcel deposited before the cloud knew of it (or a re-issued one). */
  setParcelCode(parcelId: string, codeDigest: string): Result<'set', AnnouncementError> {
    if (!/^[0-9a-f]{64}$/.test(codeDigest))
      return err({ reason: 'invalid', problems: ['codeDigest: 64 hex digits'] });
    const { db } = this.ctx;
    return db.transaction((): Result<'set', AnnouncementError> => {
      const parcel = getParcel(db, parcelId);
      if (!parcel) return err({ reason: 'unknown_parcel' });
      if (parcel.state !== 'expected' && parcel.state !== 'deposited')
        return err({ reason: 'conflict', detail: `parcel is ${parcel.state}` });
      saveParcel(db, { ...parcel, codeDigest });
      this.ctx.audit.append('parcel.code_set', { parcelId });
      return ok('set');
    })();
  }

  extendParcel(
    parcelId: string,
    holdDays: number,
  ): Result<{ expiresAt: number }, AnnouncementError> {
    if (!Number.isInteger(holdDays) || holdDays < 1 || holdDays > 30)
      return err({ reason: 'invalid', problems: ['holdDays: 1..30'] });
    const { db } = this.ctx;
    return db.transaction((): Result<{ expiresAt: number }, AnnouncementError> => {
      const parcel = getParcel(db, parcelId);
      if (!parcel) return err({ reason: 'unknown_parcel' });
      const next = parcelTransition(parcel.state, 'extend');
      if (!next.ok || parcel.depositedAt === null)
        return err({ reason: 'conflict', detail: `parcel is ${parcel.state}` });
      const expiresAt = parcel.depositedAt + holdDays * 86_400_000;
      saveParcel(db, { ...parcel, state: next.value, holdDays, expiresAt });
      this.ctx.audit.append('parcel.extended', {
        parcelId,
        holdDays,
        expiresAt: new Date(expiresAt).toISOString(),
      });
      return ok({ expiresAt });
    })();
  }

  expectReturn(input: unknown): Result<'added' | 'unchanged', AnnouncementError> {
    const parsed = ReturnExpectationSchema.safeParse(input);
    if (!parsed.success) return invalid(parsed.error);
    const r = parsed.data;
    const { db, clock } = this.ctx;
    return db.transaction((): Result<'added' | 'unchanged', AnnouncementError> => {
      if (getReturn(db, r.returnId)) return ok('unchanged');
      insertReturn(db, {
        id: r.returnId,
        codeDigest: r.codeDigest,
        state: 'expected',
        size: r.size,
        compartmentId: null,
        expectedAt: clock.now(),
        depositedAt: null,
        collectedAt: null,
      });
      this.ctx.audit.append('return.expected', { returnId: r.returnId, size: r.size });
      return ok('added');
    })();
  }
}
