/**
 * Applies stored device events to the cloud's view of a locker: compartment occupancy, parcel
 * and return states, notifications, command results. Runs inside the ingest transaction, so
 * an event takes effect exactly once however often it is delivered.
 */
import { z } from 'zod';
import { SIZES } from '../../src/shared/domain';
import type { SignedEvent } from '../../src/shared/events';
import { CommandResultSchema } from '../../src/shared/protocol/commands';
import { finishCommand } from '../store/commands';
import { getCompartment, setCompartmentState } from '../store/compartments';
import type { Locker } from '../store/lockers';
import {
  getParcelByParcelId,
  insertParcel,
  listParcels,
  saveParcel,
  type CloudParcel,
} from '../store/parcels';
import { getReturn, saveReturn } from '../store/returns';
import { newLockerCode } from './codes';
import type { Commands } from './commands';
import { DAY_MS, type CloudContext } from './context';
import { notifyParcel } from './notifications';

const id = z.string().min(1).max(128);
const P = {
  deposited: z.object({
    parcelId: id,
    trackingBarcode: z.string(),
    compartmentId: id,
    expiresAt: z.iso.datetime(),
    announced: z.boolean(),
  }),
  parcelInCompartment: z.object({ parcelId: id, compartmentId: id }),
  parcel: z.object({ parcelId: id }),
  extended: z.object({ parcelId: id, holdDays: z.number().int(), expiresAt: z.iso.datetime() }),
  compartment: z.object({ compartmentId: id }),
  returnInCompartment: z.object({ returnId: id, compartmentId: id }),
  compartmentAdded: z.object({ compartmentId: id, size: z.enum(SIZES) }),
};

export class LockerView {
  constructor(
    private readonly ctx: CloudContext,
    private readonly commands: Commands,
  ) {}

  apply(locker: Locker, event: SignedEvent): void {
    const handler = this.handlers[event.type];
    if (!handler) return;
    try {
      handler(locker, event);
    } catch (e) {
      if (!(e instanceof z.ZodError)) throw e;
      // Signed and stored, but not understood: the chain stays intact, the view skips it.
      this.ctx.log.warn(
        { lockerId: locker.id, seq: event.seq, type: event.type, problems: e.issues },
        'event payload not understood; view not updated',
      );
    }
  }

  private compartment(
    locker: Locker,
    e: SignedEvent,
    compartmentId: string,
    change: Parameters<typeof setCompartmentState>[3],
  ): void {
    if (!setCompartmentState(this.ctx.db, locker.id, compartmentId, change, e.seq))
      this.ctx.log.warn({ lockerId: locker.id, compartmentId, seq: e.seq }, 'unknown compartment');
  }

  private parcelState(locker: Locker, e: SignedEvent, change: (p: CloudParcel) => CloudParcel) {
    const { parcelId } = P.parcel.parse(e.payload);
    const parcel = getParcelByParcelId(this.ctx.db, locker.id, parcelId);
    if (!parcel) {
      this.ctx.log.warn(
        { lockerId: locker.id, parcelId, type: e.type },
        'event for unknown parcel',
      );
      return null;
    }
    const next = change(parcel);
    saveParcel(this.ctx.db, next);
    return next;
  }

  private readonly handlers: Record<string, (locker: Locker, e: SignedEvent) => void> = {
    'deposit.reserved': (l, e) => {
      const p = P.parcelInCompartment.parse(e.payload);
      this.compartment(l, e, p.compartmentId, { state: 'reserved', parcelId: p.parcelId });
    },
    'deposit.released': (l, e) => {
      const p = P.parcelInCompartment.parse(e.payload);
      this.compartment(l, e, p.compartmentId, { state: 'available', parcelId: null });
    },
    'parcel.deposited': (l, e) => this.deposited(l, e),
    'parcel.picked_up': (l, e) => {
      const p = P.parcelInCompartment.parse(e.payload);
      this.compartment(l, e, p.compartmentId, { state: 'available', parcelId: null });
      const parcel = this.parcelState(l, e, (x) => ({
        ...x,
        state: 'picked_up',
        pickupCode: null,
        closedAt: Date.parse(e.at),
      }));
      if (parcel) notifyParcel(this.ctx, 'picked_up', parcel, l.name);
    },
    'parcel.expired': (l, e) => {
      const parcel = this.parcelState(l, e, (x) => ({ ...x, state: 'expired' }));
      if (parcel) notifyParcel(this.ctx, 'expired', parcel, l.name);
    },
    'parcel.collected': (l, e) => {
      const p = P.parcelInCompartment.parse(e.payload);
      this.compartment(l, e, p.compartmentId, { state: 'available', parcelId: null });
      this.parcelState(l, e, (x) => ({
        ...x,
        state: 'collected',
        pickupCode: null,
        closedAt: Date.parse(e.at),
      }));
    },
    'parcel.cancelled': (l, e) => {
      this.parcelState(l, e, (x) =>
        x.state === 'expected' ? { ...x, state: 'cancelled', pickupCode: null } : x,
      );
    },
    'parcel.extended': (l, e) => {
      const p = P.extended.parse(e.payload);
      this.parcelState(l, e, (x) => ({
        ...x,
        holdDays: p.holdDays,
        expiresAt: Date.parse(p.expiresAt),
        state: x.state === 'expired' ? 'deposited' : x.state,
      }));
    },
    'return.reserved': (l, e) => {
      const p = P.returnInCompartment.parse(e.payload);
      this.compartment(l, e, p.compartmentId, { state: 'reserved', returnId: p.returnId });
    },
    'return.released': (l, e) => {
      const p = P.returnInCompartment.parse(e.payload);
      this.compartment(l, e, p.compartmentId, { state: 'available', returnId: null });
    },
    'return.deposited': (l, e) => this.returnStep(l, e, 'deposited'),
    'return.collected': (l, e) => this.returnStep(l, e, 'collected'),
    'compartment.out_of_service': (l, e) => {
      const p = P.compartment.parse(e.payload);
      this.compartment(l, e, p.compartmentId, { state: 'out_of_service' });
    },
    'compartment.in_service': (l, e) => {
      const p = P.compartment.parse(e.payload);
      const c = getCompartment(this.ctx.db, l.id, p.compartmentId);
      // Contents stay recorded while out of service; back in service they still occupy it.
      const occupied = c !== null && (c.parcelId !== null || c.returnId !== null);
      this.compartment(l, e, p.compartmentId, { state: occupied ? 'occupied' : 'available' });
    },
    'door.opened': (l, e) => {
      this.compartment(l, e, P.compartment.parse(e.payload).compartmentId, { doorOpen: true });
    },
    'door.closed': (l, e) => {
      this.compartment(l, e, P.compartment.parse(e.payload).compartmentId, { doorOpen: false });
    },
    'command.result': (l, e) => {
      const r = CommandResultSchema.parse(e.payload);
      const finished = finishCommand(
        this.ctx.db,
        r.commandId,
        l.id,
        { ok: r.ok, error: r.ok ? null : (r.error ?? 'failed') },
        this.ctx.clock.now(),
      );
      if (finished && !r.ok)
        this.ctx.log.warn({ lockerId: l.id, ...r }, 'the locker refused a command');
    },
  };

  private returnStep(l: Locker, e: SignedEvent, state: 'deposited' | 'collected'): void {
    const p = P.returnInCompartment.parse(e.payload);
    this.compartment(
      l,
      e,
      p.compartmentId,
      state === 'deposited'
        ? { state: 'occupied', returnId: p.returnId }
        : { state: 'available', returnId: null },
    );
    const ret = getReturn(this.ctx.db, p.returnId);
    if (!ret || ret.lockerId !== l.id) {
      this.ctx.log.warn({ lockerId: l.id, returnId: p.returnId }, 'event for unknown return');
      return;
    }
    saveReturn(this.ctx.db, {
      ...ret,
      state,
      compartmentId: p.compartmentId,
      returnCode: null,
      closedAt: state === 'collected' ? Date.parse(e.at) : ret.closedAt,
    });
  }

  /**
   * A deposit: the announced parcel's customer gets the code now. A parcel the cloud was not
   * told of (the unit was offline) gets a code generated here and sent as parcel.code.
   */
  private deposited(l: Locker, e: SignedEvent): void {
    const p = P.deposited.parse(e.payload);
    const { db } = this.ctx;
    const at = Date.parse(e.at);
    const expiresAt = Date.parse(p.expiresAt);
    this.compartment(l, e, p.compartmentId, { state: 'occupied', parcelId: p.parcelId });

    let parcel =
      getParcelByParcelId(db, l.id, p.parcelId) ??
      // The unit names an unannounced parcel itself; the cloud may know it by its barcode.
      listParcels(db, l.id).find(
        (x) => x.state === 'expected' && x.trackingBarcode === p.trackingBarcode,
      ) ??
      null;
    const codeKey = l.codeDigestKey === null ? null : Buffer.from(l.codeDigestKey, 'base64url');
    if (codeKey === null) return;

    if (parcel === null) {
      const { code, digest } = newLockerCode(this.ctx, l.id, codeKey);
      const size = getCompartment(db, l.id, p.compartmentId)?.size ?? null;
      parcel = {
        allocationId: this.ctx.newId(),
        lockerId: l.id,
        parcelId: p.parcelId,
        trackingBarcode: p.trackingBarcode,
        state: 'deposited',
        size,
        dimensions: null,
        weightG: null,
        accessible: false,
        customer: null,
        holdDays: Math.max(1, Math.round((expiresAt - at) / DAY_MS)),
        pickupCode: code,
        codeDigest: digest,
        compartmentId: p.compartmentId,
        announced: false,
        createdAt: this.ctx.clock.now(),
        lapsesAt: at,
        depositedAt: at,
        expiresAt,
        closedAt: null,
      };
      insertParcel(db, parcel);
      this.commands.issue(l.id, 'parcel.code', { parcelId: p.parcelId, codeDigest: digest });
    } else {
      const renamed = parcel.parcelId !== p.parcelId;
      parcel = {
        ...parcel,
        parcelId: p.parcelId,
        state: 'deposited',
        compartmentId: p.compartmentId,
        depositedAt: at,
        expiresAt,
      };
      const newCode = parcel.pickupCode === null;
      if (newCode) {
        const fresh = newLockerCode(this.ctx, l.id, codeKey);
        parcel = { ...parcel, pickupCode: fresh.code, codeDigest: fresh.digest };
      }
      saveParcel(db, parcel);
      // The unit did not get our announcement (or knows it by another id): send the digest.
      if (!p.announced || renamed || newCode)
        this.commands.issue(l.id, 'parcel.code', {
          parcelId: p.parcelId,
          codeDigest: parcel.codeDigest!,
        });
    }
    notifyParcel(this.ctx, 'pickup_code', parcel, l.name);
  }
}
