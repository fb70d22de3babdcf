/**
 * Start-up reconciliation: brings the store in line with the configuration and with what the
 * board senses, and settles every door operation a crash left unfinished.
 */
import type { CompartmentConfig } from '../config/kioskConfig';
import {
  deleteCompartment,
  getCompartment,
  listCompartments,
  moveCompartmentLock,
  upsertCompartmentLayout,
} from '../store/compartments';
import { parcelInCompartment } from '../store/parcels';
import { returnInCompartment } from '../store/returns';
import type { LockerContext } from './context';
import type { Doors } from './doors';

export class LayoutError extends Error {}

/**
 * Applies the configured compartments; refuses to drop one that still holds something. A
 * compartment moved to another lock (two locks swapped when a harness is rewired) is audited.
 */
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
    // Moved compartments first step aside, so a swap never meets UNIQUE (board, lock) halfway.
    const moved = layout.flatMap((c) => {
      const before = getCompartment(ctx.db, c.id);
      return before && (before.board !== c.board || before.lock !== c.lock)
        ? [{ id: c.id, from: { board: before.board, lock: before.lock } }]
        : [];
    });
    moved.forEach((m, i) => moveCompartmentLock(ctx.db, m.id, -1, -1 - i));
    for (const c of layout) {
      const isNew = !getCompartment(ctx.db, c.id);
      upsertCompartmentLayout(ctx.db, c);
      if (isNew) ctx.audit.append('compartment.added', { compartmentId: c.id, size: c.size });
    }
    for (const m of moved) {
      const now = getCompartment(ctx.db, m.id)!;
      ctx.audit.append('compartment.rewired', {
        compartmentId: m.id,
        from: m.from,
        to: { board: now.board, lock: now.lock },
      });
    }
  })();
}

/**
 * Reads every board and settles what door operations a crash left: nobody watched their doors,
 * so the reading decides (core/doorOperation.ts settleUnwatched). A board that cannot be read
 * leaves its operations unknown, their compartments in inspection, until its first good reading.
 */
export async function reconcileAtStart(
  ctx: LockerContext,
  doors: Doors,
): Promise<{ settled: number; unreadable: number[] }> {
  let settled = 0;
  const unreadable: number[] = [];
  for (const board of new Set(listCompartments(ctx.db).map((c) => c.board))) {
    const state = await ctx.board.queryBoard(board);
    if (!state.ok) {
      unreadable.push(board);
      ctx.log.warn({ board, failure: state.error }, 'board unreadable during reconciliation');
    }
    settled += doors.settleBoard(board, state.ok ? state.value : null, 'start');
  }
  return { settled, unreadable };
}
