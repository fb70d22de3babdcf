/**
 * Courier deposit, two-phase (DESIGN §3): reserve a compartment and unlock it; commit the
 * parcel when the door has opened and closed again (with the item sensed, where IR exists).
 * "Doesn't fit" moves to a larger size; a door that does not open is taken out of service and
 * another compartment is chosen.
 */
import type { DepositError, DepositStarted } from '../../shared/outcomes';
import type { Dimensions, Size } from '../../shared/domain';
import type { DoorEndReason } from '../../shared/eventTypes';
import { err, ok, type Result } from '../../shared/result';
import { nominalDimensions, orNoLargerCompartment } from '../core/allocation';
import { JAM_MEMORY_MS, mayOpenAnotherDoor } from '../core/doorRecovery';
import { commitInto, compartmentTransition, parcelTransition } from '../core/stateMachines';
import { getCompartment, markCompartmentUsed, setCompartmentState } from '../store/compartments';
import { getDoorOperation, listDoorOperations, type DoorOperation } from '../store/doorOperations';
import { allocationCandidates, reserveCompartment } from './reservation';
import {
  findParcelByBarcode,
  getParcel,
  insertParcel,
  listParcelsInState,
  saveParcel,
  type Parcel,
} from '../store/parcels';
import { actorName, type Actor, type LockerContext } from './context';
import { doorUncertainty, type Doors } from './doors';
import type { StorageWatch } from './storageWatch';

const MAX_DOOR_ATTEMPTS = 3;
const BARCODE = /^[\x21-\x7e]{4,64}$/;

export class Deposits {
  /**
   * When each parcel's doors jammed, by tracking barcode: in memory (after a restart a parcel
   * may lose two more doors, no worse than that).
   */
  private readonly jams = new Map<string, number[]>();

  constructor(
    private readonly ctx: LockerContext,
    private readonly doors: Doors,
    private readonly storage: StorageWatch,
  ) {
    doors.handle('deposit', {
      closed: (op, itemPresent) => this.doorClosed(op, itemPresent),
      abandoned: (op, reason) => this.release(op, reason),
    });
  }

  /**
   * A courier scanned a parcel. Announced parcels carry their dimensions; a parcel the unit
   * has not heard of (offline) needs the size the courier picks on screen.
   */
  start(
    actor: Actor,
    trackingBarcode: string,
    chosenSize?: Size,
  ): Promise<Result<DepositStarted, DepositError>> {
    return this.ctx.queue.run(() => this.startNow(actor, trackingBarcode, chosenSize));
  }

  private async startNow(
    actor: Actor,
    trackingBarcode: string,
    chosenSize?: Size,
  ): Promise<Result<DepositStarted, DepositError>> {
    if (actor.role !== 'courier' && actor.role !== 'staff') return err({ reason: 'not_a_courier' });
    if (!BARCODE.test(trackingBarcode)) return err({ reason: 'bad_barcode' });
    const { db } = this.ctx;
    const known = findParcelByBarcode(db, trackingBarcode);
    if (known && known.state !== 'expected')
      return err({ reason: 'already_deposited', compartmentId: known.compartmentId });
    if (known) {
      const pending = listDoorOperations(db).find(
        (op) => op.kind === 'deposit' && op.parcelId === known.id,
      );
      // Scanned again: the same door, never a second one while the first is unknown.
      if (pending?.phase === 'unknown')
        return err({ reason: 'door_unknown', compartmentId: pending.compartmentId });
      if (pending) return ok(this.describe(pending));
    }
    if (!known && !chosenSize) return err({ reason: 'size_needed' });
    if (!this.storage.roomForDeposit()) return err({ reason: 'storage_full' });
    return this.reserveAndUnlock(actor, trackingBarcode, known, { atLeast: chosenSize }, new Set());
  }

  /**
   * The parcel does not fit. While the door stands open the courier must take it out and close
   * the door first; the door closing then decides (IR, or the courier's next press confirming
   * the compartment is empty), and only then is a larger compartment opened.
   */
  doesntFit(actor: Actor, operationId: number): Promise<Result<DepositStarted, DepositError>> {
    return this.ctx.queue.run(async () => {
      const op = this.ownDeposit(actor, operationId);
      if (!op) return err({ reason: 'no_such_deposit' });
      const compartment = getCompartment(this.ctx.db, op.compartmentId)!;
      const parcel = getParcel(this.ctx.db, op.parcelId!)!;
      const said = this.doors.doesntFit(op);
      if (!said.ok) return said;
      // Re-read: releasing the reservation cancels an unannounced parcel, so it needs a new record.
      const next = await this.reserveAndUnlock(
        actor,
        parcel.trackingBarcode,
        this.stillExpected(parcel.id),
        { largerThan: compartment.size },
        new Set([compartment.id]),
      );
      return orNoLargerCompartment(next);
    });
  }

  /**
   * The courier reports the door did not open (core/doorRecovery.ts). Refused once the door was
   * seen open; otherwise the door is read: shut, it gets one reopen (the same door again); shut
   * after that, it is jammed (out of service) and another of the same size opens, while the
   * parcel has not lost doors to jams already.
   */
  doorDidNotOpen(actor: Actor, operationId: number): Promise<Result<DepositStarted, DepositError>> {
    return this.ctx.queue.run(async () => {
      const op = this.ownDeposit(actor, operationId);
      if (!op) return err({ reason: 'no_such_deposit' });
      const compartment = getCompartment(this.ctx.db, op.compartmentId)!;
      const said = await this.doors.didNotOpen(op, compartment, actor);
      if (!said.ok) return err(said.error);
      if (said.value === 'reopened') return ok(this.describe(op));
      const parcel = getParcel(this.ctx.db, op.parcelId!)!;
      return this.reserveAndUnlock(
        actor,
        parcel.trackingBarcode,
        this.stillExpected(parcel.id),
        { atLeast: compartment.size },
        new Set([compartment.id]),
      );
    });
  }

  /** The parcel as it is now, if a deposit can still commit it (see `release`). */
  private stillExpected(parcelId: string): Parcel | undefined {
    const parcel = getParcel(this.ctx.db, parcelId);
    return parcel?.state === 'expected' ? parcel : undefined;
  }

  /** The courier walks away before the door opened: give the compartment back. */
  cancel(actor: Actor, operationId: number): Promise<boolean> {
    return this.ctx.queue.run(() => {
      const op = this.ownDeposit(actor, operationId);
      if (!op || (op.phase !== 'recorded' && op.phase !== 'pulsed')) return false;
      const compartment = getCompartment(this.ctx.db, op.compartmentId)!;
      if (compartment.doorOpen !== false) return false; // open, or not known to be shut
      this.doors.abandon(op, 'cancelled');
      return true;
    });
  }

  /** The caller's own deposit operation, or undefined. */
  private ownDeposit(actor: Actor, operationId: number): DoorOperation | undefined {
    const op = getDoorOperation(this.ctx.db, operationId);
    if (!op || op.kind !== 'deposit' || !op.parcelId) return undefined;
    return op.actor === actorName(actor) ? op : undefined;
  }

  private describe(op: DoorOperation): DepositStarted {
    const compartment = getCompartment(this.ctx.db, op.compartmentId)!;
    return {
      operationId: op.id,
      parcelId: op.parcelId!,
      compartmentId: op.compartmentId,
      size: compartment.size,
    };
  }

  private async reserveAndUnlock(
    actor: Actor,
    trackingBarcode: string,
    known: Parcel | undefined,
    sizes: { atLeast?: Size | undefined; largerThan?: Size },
    tried: Set<string>,
  ): Promise<Result<DepositStarted, DepositError>> {
    // Another compartment only after a door known not to have opened, and not once the
    // parcel has lost its share of doors to jams: then the locker has a fault.
    for (let attempt = 0; attempt < MAX_DOOR_ATTEMPTS; attempt++) {
      if (!mayOpenAnotherDoor(this.jams.get(trackingBarcode) ?? [], this.ctx.clock.now()))
        return err({ reason: 'door_failed', tried: [...tried] });
      const reserved = this.reserve(actor, trackingBarcode, known, sizes, tried);
      if (!reserved.ok)
        return attempt === 0 ? reserved : err({ reason: 'door_failed', tried: [...tried] });
      const op = reserved.value;
      const outcome = await this.doors.unlock(op);
      if (outcome.kind === 'pulsed') return ok(this.describe(op));
      const uncertain = doorUncertainty(outcome, op.compartmentId);
      if (uncertain) return err(uncertain);
      tried.add(op.compartmentId);
      known = getParcel(this.ctx.db, op.parcelId!);
      if (known?.state !== 'expected') known = undefined;
    }
    return err({ reason: 'door_failed', tried: [...tried] });
  }

  /** One transaction: choose, reserve, record the operation and the event. */
  private reserve(
    actor: Actor,
    trackingBarcode: string,
    known: Parcel | undefined,
    sizes: { atLeast?: Size | undefined; largerThan?: Size },
    exclude: Set<string>,
  ): Result<DoorOperation, DepositError> {
    const { db, clock, policy } = this.ctx;
    return db.transaction((): Result<DoorOperation, DepositError> => {
      const compartments = allocationCandidates(db);
      const expected = listParcelsInState(db, 'expected').filter(
        (p) => p.announced && p.trackingBarcode !== trackingBarcode,
      );
      const shape = known ?? {
        dimensions: nominalDimensions(sizes.atLeast ?? 'S', compartments),
        weightG: 0,
        accessible: false,
      };
      const choice = reserveCompartment(db, {
        parcel: {
          dimensions: shape.dimensions,
          weightG: shape.weightG,
          accessible: shape.accessible,
        },
        compartments,
        expected,
        exclude,
        ...(sizes.largerThan ? { largerThan: sizes.largerThan } : {}),
      });
      if (!choice.ok) return choice;
      const compartment = choice.value;

      const parcel =
        known ??
        this.unannouncedParcel(trackingBarcode, shape.dimensions, policy.holdDays, clock.now());
      const op = this.doors.record('deposit', compartment.id, {
        parcelId: parcel.id,
        actor: actorName(actor),
      });
      this.ctx.audit.append('deposit.reserved', {
        parcelId: parcel.id,
        trackingBarcode,
        compartmentId: compartment.id,
        size: compartment.size,
        courier: actorName(actor),
        announced: parcel.announced,
      });
      return ok(op);
    })();
  }

  /**
   * A parcel the cloud has not announced (the unit was offline): recorded as expected now, so
   * the deposit follows the same path; the cloud issues its code when it hears of it.
   */
  private unannouncedParcel(
    trackingBarcode: string,
    dimensions: Dimensions,
    holdDays: number,
    now: number,
  ): Parcel {
    const parcel: Parcel = {
      id: this.ctx.newId(),
      trackingBarcode,
      state: 'expected',
      dimensions,
      weightG: 0,
      accessible: false,
      codeDigest: null,
      holdDays,
      compartmentId: null,
      announced: false,
      depositedBy: null,
      expectedAt: now,
      depositedAt: null,
      expiresAt: null,
      closedAt: null,
    };
    insertParcel(this.ctx.db, parcel);
    return parcel;
  }

  /** A door of this parcel's deposit did not open; kept by barcode (an unannounced parcel is re-created). */
  private noteJam(parcelId: string): void {
    const barcode = getParcel(this.ctx.db, parcelId)?.trackingBarcode;
    if (barcode === undefined) return;
    const now = this.ctx.clock.now();
    const recent = (this.jams.get(barcode) ?? []).filter((at) => now - at < JAM_MEMORY_MS);
    this.jams.set(barcode, [...recent, now]);
  }

  /** Inside the door's transaction: commit the deposit, or release when IR saw nothing. */
  private doorClosed(op: DoorOperation, itemPresent: boolean | null): void {
    if (itemPresent === false) return this.release(op, 'no_item');
    const { db, clock } = this.ctx;
    const parcel = getParcel(db, op.parcelId!)!;
    const compartment = getCompartment(db, op.compartmentId)!;
    const next = parcelTransition(parcel.state, 'deposit');
    // Taken out of service while the door stood open: the parcel is inside all the same, and an
    // out-of-service compartment keeps its contents recorded.
    const slot = commitInto(compartment.state);
    if (!next.ok || !slot.ok)
      throw new Error(`deposit commit from ${parcel.state}/${compartment.state}`);
    const now = clock.now();
    const expiresAt = now + parcel.holdDays * 86_400_000;
    saveParcel(db, {
      ...parcel,
      state: next.value,
      compartmentId: compartment.id,
      depositedBy: op.actor,
      depositedAt: now,
      expiresAt,
    });
    setCompartmentState(db, compartment.id, slot.value);
    markCompartmentUsed(db, compartment.id, now);
    this.ctx.audit.append('parcel.deposited', {
      parcelId: parcel.id,
      trackingBarcode: parcel.trackingBarcode,
      compartmentId: compartment.id,
      courier: op.actor,
      expiresAt: new Date(expiresAt).toISOString(),
      announced: parcel.announced,
    });
  }

  /** Inside a transaction: the reservation ends without a deposit. */
  private release(op: DoorOperation, reason: DoorEndReason): void {
    const { db } = this.ctx;
    const compartment = getCompartment(db, op.compartmentId)!;
    if (reason === 'door_failed') this.noteJam(op.parcelId!);
    const next = compartmentTransition(compartment.state, 'release');
    if (next.ok) setCompartmentState(db, compartment.id, next.value);
    // An unannounced parcel exists only through this deposit attempt; it ends with it, unless
    // nobody knows whether it went in (inspection): then staff may find it by its barcode.
    const parcel = getParcel(db, op.parcelId!);
    if (parcel && !parcel.announced && parcel.state === 'expected' && reason !== 'inspection')
      saveParcel(db, { ...parcel, state: 'cancelled', closedAt: this.ctx.clock.now() });
    this.ctx.audit.append('deposit.released', {
      parcelId: op.parcelId!,
      compartmentId: op.compartmentId,
      reason,
    });
  }
}
