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
import {
  activeParcelsWithCode,
  findParcel,
  findParcelByBarcode,
  insertParcel,
  saveParcel,
  setCloudParcelId,
  type Parcel,
} from '../store/parcels';
import { deleteExpectedReturn, getReturn, insertReturn } from '../store/returns';
import type { LockerContext } from './context';

export type AnnouncementError =
  | { reason: 'invalid'; problems: string[] }
  | { reason: 'unknown_parcel' }
  | { reason: 'unknown_return' }
  | { reason: 'conflict'; detail: string };

const invalid = (e: z.ZodError) =>
  err({
    reason: 'invalid' as const,
    problems: e.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
  });

export class Announcements {
  constructor(private readonly ctx: LockerContext) {}

  expectParcel(input: unknown): Result<'added' | 'unchanged' | 'merged', AnnouncementError> {
    const parsed = ParcelExpectationSchema.safeParse(input);
    if (!parsed.success) return invalid(parsed.error);
    const p = parsed.data;
    const { db, clock, policy } = this.ctx;
    return db.transaction((): Result<'added' | 'unchanged' | 'merged', AnnouncementError> => {
      const existing = findParcel(db, p.parcelId);
      if (existing) {
        if (existing.trackingBarcode !== p.trackingBarcode)
          return err({ reason: 'conflict', detail: 'parcel id reused with another barcode' });
        return ok('unchanged');
      }
      // Deposited (or being deposited) while the unit was offline: the same parcel, not a second.
      const found = findParcelByBarcode(db, p.trackingBarcode);
      const local = found && !found.announced ? found : undefined;
      const codeClash = this.codeInUse(p.codeDigest, local?.id ?? null);
      if (codeClash) return codeClash;
      if (local) return this.merge(local, p);
      const holdDays = p.holdDays ?? policy.holdDays;
      insertParcel(db, {
        id: p.parcelId,
        trackingBarcode: p.trackingBarcode,
        state: 'expected',
        dimensions: p.dimensions,
        weightG: p.weightG,
        accessible: p.accessible,
        codeDigest: p.codeDigest,
        qrDigest: p.qrDigest ?? null,
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

  /**
   * Inside a transaction: the cloud's announcement of a parcel the unit already holds under its
   * own id. The local id stays (events already name it); the cloud's id becomes its alias, and
   * the announcement's code, details and holding period apply.
   */
  private merge(
    local: Parcel,
    p: z.infer<typeof ParcelExpectationSchema>,
  ): Result<'merged', never> {
    const holdDays = p.holdDays ?? local.holdDays;
    saveParcel(this.ctx.db, {
      ...local,
      announced: true,
      codeDigest: p.codeDigest ?? local.codeDigest,
      qrDigest: p.qrDigest ?? local.qrDigest ?? null,
      dimensions: p.dimensions,
      weightG: p.weightG,
      accessible: p.accessible,
      holdDays,
      expiresAt: local.depositedAt === null ? null : local.depositedAt + holdDays * 86_400_000,
    });
    setCloudParcelId(this.ctx.db, local.id, p.parcelId);
    this.ctx.audit.append('parcel.merged', {
      parcelId: local.id,
      cloudParcelId: p.parcelId,
      trackingBarcode: p.trackingBarcode,
    });
    return ok('merged');
  }

  /** A code already opening another parcel here would open either: refused. */
  private codeInUse(
    codeDigest: string | null | undefined,
    forParcel: string | null,
  ): Result<never, AnnouncementError> | null {
    if (!codeDigest) return null;
    const holders = activeParcelsWithCode(this.ctx.db, codeDigest).filter(
      (h) => h.id !== forParcel,
    );
    return holders.length > 0
      ? err({ reason: 'conflict', detail: 'code already in use at this locker' })
      : null;
  }

  cancelParcel(parcelId: string): Result<'cancelled' | 'unchanged', AnnouncementError> {
    const { db, clock } = this.ctx;
    return db.transaction((): Result<'cancelled' | 'unchanged', AnnouncementError> => {
      const parcel = findParcel(db, parcelId);
      if (!parcel) return err({ reason: 'unknown_parcel' });
      if (parcel.state === 'cancelled') return ok('unchanged');
      // The courier is putting it in right now: the parcel is physically here. The cloud hears
      // of the deposit and can ask for it back through collection.
      const depositing = listDoorOperations(db).some(
        (op) => op.kind === 'deposit' && op.parcelId === parcel.id,
      );
      if (depositing) return err({ reason: 'conflict', detail: 'deposit in progress' });
      const next = parcelTransition(parcel.state, 'cancel');
      if (!next.ok) return err({ reason: 'conflict', detail: `parcel is ${parcel.state}` });
      saveParcel(db, { ...parcel, state: next.value, closedAt: clock.now() });
      this.ctx.audit.append('parcel.cancelled', { parcelId: parcel.id });
      return ok('cancelled');
    })();
  }

  /** The code (and QR) for a parcel deposited before the cloud knew of it, or re-issued. */
  setParcelCode(
    parcelId: string,
    codeDigest: string,
    qrDigest?: string,
  ): Result<'set', AnnouncementError> {
    if (!/^[0-9a-f]{64}$/.test(codeDigest))
      return err({ reason: 'invalid', problems: ['codeDigest: 64 hex digits'] });
    const { db } = this.ctx;
    return db.transaction((): Result<'set', AnnouncementError> => {
      const parcel = findParcel(db, parcelId);
      if (!parcel) return err({ reason: 'unknown_parcel' });
      if (parcel.state !== 'expected' && parcel.state !== 'deposited')
        return err({ reason: 'conflict', detail: `parcel is ${parcel.state}` });
      const codeClash = this.codeInUse(codeDigest, parcel.id);
      if (codeClash) return codeClash;
      saveParcel(db, { ...parcel, codeDigest, qrDigest: qrDigest ?? parcel.qrDigest ?? null });
      this.ctx.audit.append('parcel.code_set', { parcelId: parcel.id });
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
      const parcel = findParcel(db, parcelId);
      if (!parcel) return err({ reason: 'unknown_parcel' });
      const next = parcelTransition(parcel.state, 'extend');
      if (!next.ok || parcel.depositedAt === null)
        return err({ reason: 'conflict', detail: `parcel is ${parcel.state}` });
      const expiresAt = parcel.depositedAt + holdDays * 86_400_000;
      saveParcel(db, { ...parcel, state: next.value, holdDays, expiresAt });
      this.ctx.audit.append('parcel.extended', {
        parcelId: parcel.id,
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
        qrDigest: r.qrDigest ?? null,
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

  /**
   * The cloud cancelled (or lapsed) a return nobody has dropped: its code stops opening a
   * compartment. Refused while the customer is dropping it, or once dropped; the command's
   * result is the record (the cloud lets the compartment go on it).
   */
  cancelReturn(returnId: string): Result<'cancelled', AnnouncementError> {
    const { db } = this.ctx;
    return db.transaction((): Result<'cancelled', AnnouncementError> => {
      const ret = getReturn(db, returnId);
      if (!ret) return err({ reason: 'unknown_return' });
      if (ret.state !== 'expected')
        return err({ reason: 'conflict', detail: `return is ${ret.state}` });
      const dropping = listDoorOperations(db).some((op) => op.returnId === ret.id);
      if (dropping) return err({ reason: 'conflict', detail: 'deposit in progress' });
      deleteExpectedReturn(db, ret.id);
      return ok('cancelled');
    })();
  }
}
