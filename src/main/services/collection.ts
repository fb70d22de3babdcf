/**
 * Collection by a courier or staff: expired parcels and deposited returns, each door opened in
 * turn, each item scanned out. The compartment is free once its item is scanned out.
 */
import type { Collectable, CollectionError } from '../../shared/outcomes';
import { err, ok, type Result } from '../../shared/result';
import { returnReference, sameReference } from '../../shared/returnReference';
import { compartmentTransition, parcelTransition, returnTransition } from '../core/stateMachines';
import { getCompartment, setCompartmentState } from '../store/compartments';
import { doorOperationFor, listDoorOperations, type DoorOperation } from '../store/doorOperations';
import { listParcelsInState, parcelInCompartment, saveParcel } from '../store/parcels';
import { listReturnsInState, returnInCompartment, saveReturn } from '../store/returns';
import { actorName, type Actor, type LockerContext } from './context';
import { doorUncertainty, type Doors } from './doors';

const ITEM_STILL_SENSED = 'inspection: item still sensed after scan-out';

export class Collection {
  constructor(
    private readonly ctx: LockerContext,
    private readonly doors: Doors,
  ) {
    // Scan-out is the record; the door closing ends the operation, and there IR has its say.
    doors.handle('collection', {
      closed: (op, itemPresent) => this.doorClosed(op.compartmentId, itemPresent),
      abandoned: () => {},
    });
  }

  list(): Collectable[] {
    const { db } = this.ctx;
    const parcels = listParcelsInState(db, 'expired').map((p) => ({
      compartmentId: p.compartmentId!,
      kind: 'expired_parcel' as const,
      barcode: p.trackingBarcode,
      reference: p.trackingBarcode,
    }));
    const returns = listReturnsInState(db, 'deposited').map((r) => ({
      compartmentId: r.compartmentId!,
      kind: 'return' as const,
      barcode: r.id,
      reference: returnReference(r.id),
    }));
    return [...parcels, ...returns].sort((a, b) => a.compartmentId.localeCompare(b.compartmentId));
  }

  open(actor: Actor, compartmentId: string): Promise<Result<Collectable, CollectionError>> {
    return this.ctx.queue.run(() => this.openNow(actor, compartmentId));
  }

  /** `open` for callers already in the door queue (staff opening every expired door). */
  async openNow(
    actor: Actor,
    compartmentId: string,
  ): Promise<Result<Collectable, CollectionError>> {
    if (actor.role !== 'courier' && actor.role !== 'staff')
      return err({ reason: 'not_authorized' });
    const recorded = this.ctx.db.transaction(
      (): Result<{ op: DoorOperation; item: Collectable }, CollectionError> => {
        const item = this.list().find((c) => c.compartmentId === compartmentId);
        if (!item) return err({ reason: 'nothing_to_collect' });
        const pending = doorOperationFor(this.ctx.db, compartmentId);
        if (pending?.kind === 'collection' && pending.phase === 'unknown')
          return err({ reason: 'door_unknown', compartmentId });
        if (pending?.kind === 'collection') return ok({ op: pending, item });
        if (pending) return err({ reason: 'door_busy' });
        const op = this.doors.record('collection', compartmentId, { actor: actorName(actor) });
        this.ctx.audit.append('collection.opened', {
          compartmentId,
          actor: actorName(actor),
          items: [item.barcode],
        });
        return ok({ op, item });
      },
    )();
    if (!recorded.ok) return recorded;
    const { op, item } = recorded.value;
    if (op.phase !== 'recorded') return ok(item); // already pulsed: the same door, once
    const outcome = await this.doors.unlock(op);
    if (outcome.kind === 'pulsed') return ok(item);
    return err(doorUncertainty(outcome, compartmentId) ?? { reason: 'door_failed' });
  }

  /**
   * The courier scanned an item out of a compartment opened for collection, or chose it from
   * the list: a parcel by its tracking barcode, a return by its id or its short reference.
   */
  scanOut(actor: Actor, barcode: string): Result<Collectable, CollectionError> {
    const { db, clock } = this.ctx;
    return db.transaction((): Result<Collectable, CollectionError> => {
      const open = listDoorOperations(db).filter((op) => op.kind === 'collection');
      for (const op of open) {
        const parcel = parcelInCompartment(db, op.compartmentId);
        const ret = returnInCompartment(db, op.compartmentId);
        if (parcel?.state === 'expired' && parcel.trackingBarcode === barcode) {
          const next = parcelTransition(parcel.state, 'collect');
          if (!next.ok) continue;
          saveParcel(db, { ...parcel, state: next.value, closedAt: clock.now() });
          this.ctx.audit.append('parcel.collected', {
            parcelId: parcel.id,
            compartmentId: op.compartmentId,
            actor: actorName(actor),
          });
        } else if (ret && (ret.id === barcode || sameReference(barcode, returnReference(ret.id)))) {
          const next = returnTransition(ret.state, 'collect');
          if (!next.ok) continue;
          saveReturn(db, { ...ret, state: next.value, collectedAt: clock.now() });
          this.ctx.audit.append('return.collected', {
            returnId: ret.id,
            compartmentId: op.compartmentId,
            actor: actorName(actor),
          });
        } else continue;
        this.scannedOut(op.compartmentId);
        return ok(
          parcel?.trackingBarcode === barcode
            ? {
                compartmentId: op.compartmentId,
                kind: 'expired_parcel',
                barcode,
                reference: barcode,
              }
            : {
                compartmentId: op.compartmentId,
                kind: 'return',
                barcode: ret!.id,
                reference: returnReference(ret!.id),
              },
        );
      }
      return err({ reason: 'not_in_an_open_compartment' });
    })();
  }

  /**
   * The item is recorded out. Where IR still senses something inside, the compartment is not
   * freed: it waits out of service until its door closes on an empty compartment.
   */
  private scannedOut(compartmentId: string): void {
    const compartment = getCompartment(this.ctx.db, compartmentId)!;
    if (compartment.itemPresent === true) {
      this.doors.takeOutOfService(compartmentId, ITEM_STILL_SENSED, 'system:ir');
      return;
    }
    const next = compartmentTransition(compartment.state, 'empty');
    if (next.ok) setCompartmentState(this.ctx.db, compartmentId, next.value);
  }

  /** Inside the door's transaction: an emptied compartment IR now reads empty is free again. */
  private doorClosed(compartmentId: string, itemPresent: boolean | null): void {
    const compartment = getCompartment(this.ctx.db, compartmentId)!;
    if (compartment.state !== 'out_of_service') return;
    if (compartment.outOfServiceReason !== ITEM_STILL_SENSED || itemPresent !== false) return;
    this.doors.returnToService(compartment, 'empty after collection', 'system:ir');
  }
}
