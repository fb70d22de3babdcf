/**
 * Applies stored device events to the cloud's view of a locker: compartment occupancy and
 * doors, parcel and return states, notifications, operator alerts, command results. Runs
 * inside the ingest transaction, so an event takes effect exactly once however often it is
 * delivered.
 */
import { z } from 'zod';
import type { SignedEvent } from '../../src/shared/events';
import type { EventType } from '../../src/shared/eventTypes';
import {
  CommandRejectedUnverifiedSchema,
  CommandResultSchema,
} from '../../src/shared/protocol/commands';
import { finishCommand, getCommand } from '../store/commands';
import { getCompartment, setCompartmentState } from '../store/compartments';
import type { Locker } from '../store/lockers';
import { getParcelByParcelId, saveParcel, type CloudParcel } from '../store/parcels';
import { getReturn, saveReturn } from '../store/returns';
import {
  clearOnDoorClosed,
  clearOnRemoved,
  clearOnService,
  raiseAlert,
  type AlertEventType,
} from './alerts';
import { onLockerAlertEvent, type LockerAlertEventType } from './lockerAlerts';
import { DepositedPayload, recordDeposit, recordMerge } from './arrivals';
import { readSnapshot } from './capacity';
import { CommandOutcomes, UNANSWERED } from './commandOutcomes';
import type { Commands } from './commands';
import { compartmentAdded, compartmentRemoved } from './compartmentChanges';
import type { CloudContext } from './context';
import { recordParcelStatus, recordReturnStatus } from './lifeStatus';
import { confirmRelease } from './releases';
import { notifyParcel } from './notifications';

type Handler = (locker: Locker, e: SignedEvent) => void;

const id = z.string().min(1).max(128);
const P = {
  parcelInCompartment: z.object({ parcelId: id, compartmentId: id }),
  parcel: z.object({ parcelId: id }),
  extended: z.object({ parcelId: id, holdDays: z.number().int(), expiresAt: z.iso.datetime() }),
  compartment: z.object({ compartmentId: id }),
  inService: z.object({
    compartmentId: id,
    reason: z.string().catch('no reason given'),
    actor: z.string().catch('unknown'),
  }),
  returnInCompartment: z.object({ returnId: id, compartmentId: id }),
  resolved: z.object({ compartmentId: id, doorOpen: z.boolean().nullable() }),
};

/** Refusals that say the unit has not applied the command (yet), not what became of it. */
const UNAPPLIED = new Set(['replayed', 'not_yet_valid']);

export class LockerView {
  private readonly outcomes: CommandOutcomes;

  constructor(
    private readonly ctx: CloudContext,
    private readonly commands: Commands,
  ) {
    this.outcomes = new CommandOutcomes(ctx, commands);
    // A command whose lifetime ends unanswered is acted upon too (commandOutcomes.ts).
    commands.whenExpired = (c) =>
      this.outcomes.settle(c, { ok: false, error: UNANSWERED, detail: null });
  }

  apply(locker: Locker, event: SignedEvent): void {
    const handlers: Partial<Record<string, Handler | null>> = this.handlers;
    const handler = Object.hasOwn(handlers, event.type) ? handlers[event.type] : undefined;
    if (handler === undefined) {
      // A type newer than this cloud: stored and acked with the chain, nothing to show yet.
      this.ctx.log.debug(
        { lockerId: locker.id, seq: event.seq, type: event.type },
        'event type unknown to the view; kept in the chain only',
      );
      return;
    }
    if (handler === null) return;
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

  /**
   * What each device event changes in the view; null: the chain is its only record here (the
   * cloud keeps no lock addresses, so compartment.rewired is one of those). Every event type
   * is listed, so a new one is a decision, not a silent skip.
   */
  private readonly handlers: { readonly [T in EventType]: Handler | null } = {
    'device.started': null,
    'compartment.added': (l, e) => compartmentAdded(this.ctx, l, e),
    'compartment.removed': (l, e) => {
      compartmentRemoved(this.ctx, l, e);
      clearOnRemoved(this.ctx, l.id, e, P.compartment.parse(e.payload).compartmentId);
    },
    'compartment.out_of_service': (l, e) => {
      const p = P.compartment.parse(e.payload);
      this.compartment(l, e, p.compartmentId, { state: 'out_of_service' });
    },
    'compartment.in_service': (l, e) => {
      const p = P.inService.parse(e.payload);
      const c = getCompartment(this.ctx.db, l.id, p.compartmentId);
      // Contents stay recorded while out of service; back in service they still occupy it.
      const occupied = c !== null && (c.parcelId !== null || c.returnId !== null);
      this.compartment(l, e, p.compartmentId, { state: occupied ? 'occupied' : 'available' });
      clearOnService(this.ctx, l.id, e, p.compartmentId, `${p.reason} (${p.actor})`);
    },
    'compartment.door_failed': null,
    'compartment.rewired': null,
    'compartment.foreign_item': (l, e) => this.alert(l, e),
    'parcel.expected': null,
    'parcel.cancelled': (l, e) => {
      const parcel = this.parcelState(l, e, (x) =>
        x.state === 'expected'
          ? { ...x, state: 'cancelled', pickupCode: null, qrPayload: null }
          : x,
      );
      // The unit has let it go: so may the cloud.
      if (parcel) confirmRelease(this.ctx, parcel.allocationId);
    },
    'parcel.merged': (l, e) => recordMerge(this.ctx, this.commands, l, e),
    'parcel.code_set': null,
    'parcel.extended': (l, e) => {
      const p = P.extended.parse(e.payload);
      this.parcelState(l, e, (x) => ({
        ...x,
        holdDays: p.holdDays,
        expiresAt: Date.parse(p.expiresAt),
        state: x.state === 'expired' ? 'deposited' : x.state,
      }));
    },
    'deposit.reserved': (l, e) => {
      const p = P.parcelInCompartment.parse(e.payload);
      this.compartment(l, e, p.compartmentId, { state: 'reserved', parcelId: p.parcelId });
    },
    'deposit.released': (l, e) => {
      const p = P.parcelInCompartment.parse(e.payload);
      this.compartment(l, e, p.compartmentId, { state: 'available', parcelId: null });
    },
    'parcel.deposited': (l, e) => {
      const p = DepositedPayload.parse(e.payload);
      this.compartment(l, e, p.compartmentId, { state: 'occupied', parcelId: p.parcelId });
      recordDeposit(this.ctx, this.commands, l, e);
      const parcel = getParcelByParcelId(this.ctx.db, l.id, p.parcelId);
      if (parcel) recordParcelStatus(this.ctx, 'parcel.deposited', parcel);
    },
    'pickup.authorized': null,
    'pickup.abandoned': null,
    'parcel.picked_up': (l, e) => {
      const p = P.parcelInCompartment.parse(e.payload);
      this.compartment(l, e, p.compartmentId, { state: 'available', parcelId: null });
      const parcel = this.parcelState(l, e, (x) => ({
        ...x,
        state: 'picked_up',
        pickupCode: null,
        qrPayload: null,
        closedAt: Date.parse(e.at),
      }));
      if (parcel) {
        notifyParcel(this.ctx, 'picked_up', parcel, l.name);
        recordParcelStatus(this.ctx, 'parcel.picked_up', parcel);
      }
    },
    'parcel.expired': (l, e) => {
      let was: CloudParcel['state'] | null = null;
      const parcel = this.parcelState(l, e, (x) => ((was = x.state), { ...x, state: 'expired' }));
      if (parcel) {
        notifyParcel(this.ctx, 'expired', parcel, l.name);
        // The cloud's scheduler may have seen the deadline pass first, and told of it then.
        if (was !== 'expired') recordParcelStatus(this.ctx, 'parcel.expired', parcel);
      }
    },
    'parcel.collected': (l, e) => {
      const p = P.parcelInCompartment.parse(e.payload);
      this.compartment(l, e, p.compartmentId, { state: 'available', parcelId: null });
      const parcel = this.parcelState(l, e, (x) => ({
        ...x,
        state: 'collected',
        pickupCode: null,
        qrPayload: null,
        closedAt: Date.parse(e.at),
      }));
      // The courier took the uncollected parcel back: on its way to the sender.
      if (parcel) recordParcelStatus(this.ctx, 'parcel.returned_to_sender', parcel);
    },
    'return.expected': null,
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
    'collection.opened': null,
    'lock.pulsed': null,
    'door.opened': (l, e) => {
      this.compartment(l, e, P.compartment.parse(e.payload).compartmentId, { doorOpen: true });
    },
    'door.closed': (l, e) => {
      const { compartmentId } = P.compartment.parse(e.payload);
      this.compartment(l, e, compartmentId, { doorOpen: false });
      clearOnDoorClosed(this.ctx, l.id, e, compartmentId);
    },
    'door.jammed': (l, e) => this.alert(l, e),
    'door.closed_unexpectedly': (l, e) => {
      const { compartmentId } = P.compartment.parse(e.payload);
      this.compartment(l, e, compartmentId, { doorOpen: false });
      clearOnDoorClosed(this.ctx, l.id, e, compartmentId);
    },
    'door.opened_unexpectedly': (l, e) => {
      this.compartment(l, e, P.compartment.parse(e.payload).compartmentId, { doorOpen: true });
      this.alert(l, e);
    },
    'door.outcome_unknown': (l, e) => {
      // The unit no longer knows whether the door is open.
      this.compartment(l, e, P.compartment.parse(e.payload).compartmentId, { doorOpen: null });
      this.alert(l, e);
    },
    'door.inspection': (l, e) => this.alert(l, e),
    'staff.door_opened': null,
    'staff.login': null,
    'badge.rejected': null,
    'security.code_rejected': (l, e) => this.lockerAlert(l, e),
    'security.throttled': (l, e) => this.lockerAlert(l, e),
    'security.qr_rejected': null,
    'hardware.fault': (l, e) => this.lockerAlert(l, e),
    'hardware.recovered': (l, e) => this.lockerAlert(l, e),
    'storage.low': (l, e) => this.lockerAlert(l, e),
    'storage.recovered': (l, e) => this.lockerAlert(l, e),
    'reconcile.resolved': (l, e) => {
      // The board's reading that settled an operation: the door as it is now, where read.
      const p = P.resolved.parse(e.payload);
      if (p.doorOpen !== null) this.compartment(l, e, p.compartmentId, { doorOpen: p.doorOpen });
    },
    'command.result': (l, e) => {
      const r = CommandResultSchema.parse(e.payload);
      if (!r.ok && UNAPPLIED.has(r.error ?? '')) {
        // Not an outcome: the unit has not applied it this time. It stays pending and is sent
        // again, unchanged, while its lifetime lasts.
        this.ctx.log.info({ lockerId: l.id, ...r }, 'the locker did not apply a command yet');
        return;
      }
      const finished = finishCommand(
        this.ctx.db,
        r.commandId,
        l.id,
        { ok: r.ok, error: r.ok ? null : (r.error ?? 'failed') },
        this.ctx.clock.now(),
      );
      if (!finished) return; // a later answer to a redelivery changes nothing
      if (!r.ok) this.ctx.log.warn({ lockerId: l.id, ...r }, 'the locker refused a command');
      const command = getCommand(this.ctx.db, r.commandId);
      if (command)
        this.outcomes.settle(command, {
          ok: r.ok,
          error: r.ok ? null : (r.error ?? 'failed'),
          detail: r.detail ?? null,
        });
    },
    'command.rejected_unverified': (l, e) => {
      // Someone else published on this locker's commands topic: never a command's outcome.
      this.ctx.log.warn(
        { lockerId: l.id, seq: e.seq, ...CommandRejectedUnverifiedSchema.parse(e.payload) },
        'the locker rejected an unverified message on its commands topic',
      );
    },
    'clock.skew': (l, e) => this.lockerAlert(l, e),
    'config.updated': null,
    // Arrives behind a gap, so never applied; ingest flags the locker when it is held.
    'cloud.rewind_unservable': null,
  };

  private alert(l: Locker, e: SignedEvent): void {
    raiseAlert(this.ctx, l.id, e as SignedEvent & { type: AlertEventType }, readSnapshot(l));
  }

  private lockerAlert(l: Locker, e: SignedEvent): void {
    onLockerAlertEvent(this.ctx, l.id, e as SignedEvent & { type: LockerAlertEventType });
  }

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
    const next = {
      ...ret,
      state,
      compartmentId: p.compartmentId,
      returnCode: null,
      qrPayload: null,
      closedAt: state === 'collected' ? Date.parse(e.at) : null,
      // Dropped before a cancel reached the unit: it holds its compartment by being in it.
      releasePending: null,
    };
    saveReturn(this.ctx.db, next);
    recordReturnStatus(
      this.ctx,
      state === 'deposited' ? 'return.deposited' : 'return.collected',
      next,
    );
  }
}
