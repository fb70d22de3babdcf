/**
 * Start-up reconciliation: brings the store in line with the configuration and with what the
 * board senses, and settles every door operation a crash left unfinished.
 */
import type { CompartmentConfig } from '../config/kioskConfig';
import { decideAfterRestart } from '../core/restartRecovery';
import {
  deleteCompartment,
  getCompartment,
  listCompartments,
  setDoorSensed,
  upsertCompartmentLayout,
} from '../store/compartments';
import { deleteDoorOperation, listDoorOperations, markDoorOpened } from '../store/doorOperations';
import { parcelInCompartment } from '../store/parcels';
import { returnInCompartment } from '../store/returns';
import type { LockerContext } from './context';
import type { Doors } from './doors';

export class LayoutError extends Error {}

/** Applies the configured compartments; refuses to drop one that still holds something. */
export function applyLayout(ctx: LockerContext, layout: readonly CompartmentConfig[]): void {
  ctx.db.transaction(() => {
    const wanted = new Set(layout.map((c) => c.id));
    for (const existing of listCompartments(ctx.db)) {
      if (wanted.has(existing.id)) continue;
      if (
        parcelInCompartment(ctx.db, existing.id) ||
        returnInCompartment(ctx.db, existing.id) ||
        existing.state === 'reserved'
      ) {
        throw new LayoutError(
          `compartment ${existing.id} is no longer configured but still holds a parcel or return`,
        );
      }
      deleteCompartment(ctx.db, existing.id);
      ctx.audit.append('compartment.removed', { compartmentId: existing.id });
    }
    for (const c of layout) {
      const isNew = !getCompartment(ctx.db, c.id);
      upsertCompartmentLayout(ctx.db, c);
      if (isNew) ctx.audit.append('compartment.added', { compartmentId: c.id, size: c.size });
    }
  })();
}

/** Reads every board, records the sensed doors, and settles unfinished door operations. */
export async function reconcileWithBoard(
  ctx: LockerContext,
  doors: Doors,
): Promise<{ settled: number; deferred: number }> {
  const compartments = listCompartments(ctx.db);
  const sensed = new Map<string, { doorOpen: boolean | null; itemPresent: boolean | null }>();
  for (const board of new Set(compartments.map((c) => c.board))) {
    const state = await ctx.board.queryBoard(board);
    for (const c of compartments.filter((c) => c.board === board)) {
      const lock = state.ok ? state.value.locks.find((l) => l.lock === c.lock) : undefined;
      sensed.set(
        c.id,
        lock
          ? { doorOpen: !lock.locked, itemPresent: lock.itemPresent }
          : { doorOpen: null, itemPresent: null },
      );
    }
    if (!state.ok)
      ctx.log.warn({ board, failure: state.error }, 'board unreadable during reconciliation');
  }

  let settled = 0;
  let deferred = 0;
  ctx.db.transaction(() => {
    // An unreadable board leaves its doors unknown rather than as last seen.
    for (const c of compartments) {
      const s = sensed.get(c.id);
      if (s) setDoorSensed(ctx.db, c.id, s.doorOpen, s.itemPresent);
    }
    for (const op of listDoorOperations(ctx.db)) {
      const s = sensed.get(op.compartmentId) ?? { doorOpen: null, itemPresent: null };
      const decision = decideAfterRestart(op.kind, {
        ...s,
        doorOpenedBefore: op.doorOpenedAt !== null,
      });
      if (decision === 'defer') {
        deferred++;
        continue;
      }
      settled++;
      ctx.audit.append('reconcile.resolved', {
        compartmentId: op.compartmentId,
        operation: op.kind,
        outcome: decision,
        doorOpen: s.doorOpen,
        itemPresent: s.itemPresent,
      });
      if (decision === 'resume') {
        if (op.doorOpenedAt === null) markDoorOpened(ctx.db, op.id, ctx.clock.now());
      } else if (decision === 'complete') {
        doors.completeClosed(op, s.itemPresent);
      } else {
        deleteDoorOperation(ctx.db, op.id);
        doors.endAbandoned(op, 'reconciled');
        if (decision === 'abandon_and_inspect') {
          doors.takeOutOfService(
            op.compartmentId,
            'check contents: deposit outcome unknown after restart',
            'system:reconcile',
          );
        }
      }
    }
  })();
  return { settled, deferred };
}
