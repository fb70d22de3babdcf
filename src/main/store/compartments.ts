/** Queries on the compartments table. */
import type { CompartmentState, Dimensions, Size } from '../../shared/domain';
import type { Db } from './database';
import { stmt } from './statements';

export interface Compartment {
  id: string;
  board: number;
  lock: number;
  size: Size;
  inner: Dimensions;
  maxWeightG: number;
  lowerDoor: boolean;
  state: CompartmentState;
  outOfServiceReason: string | null;
  /** Last sensed door position; null until the board has been read. */
  doorOpen: boolean | null;
  itemPresent: boolean | null;
  lastUsedAt: number | null;
}

interface Row {
  id: string;
  board: number;
  lock: number;
  size: Size;
  length_mm: number;
  width_mm: number;
  height_mm: number;
  max_weight_g: number;
  lower_door: number;
  state: CompartmentState;
  out_of_service_reason: string | null;
  door_open: number | null;
  item_present: number | null;
  last_used_at: number | null;
}

const bool = (v: number | null): boolean | null => (v === null ? null : v === 1);
const bit = (v: boolean | null): number | null => (v === null ? null : v ? 1 : 0);

const fromRow = (r: Row): Compartment => ({
  id: r.id,
  board: r.board,
  lock: r.lock,
  size: r.size,
  inner: { lengthMm: r.length_mm, widthMm: r.width_mm, heightMm: r.height_mm },
  maxWeightG: r.max_weight_g,
  lowerDoor: r.lower_door === 1,
  state: r.state,
  outOfServiceReason: r.out_of_service_reason,
  doorOpen: bool(r.door_open),
  itemPresent: bool(r.item_present),
  lastUsedAt: r.last_used_at,
});

export function listCompartments(db: Db): Compartment[] {
  return (stmt(db, 'SELECT * FROM compartments ORDER BY id').all() as Row[]).map(fromRow);
}

export function getCompartment(db: Db, id: string): Compartment | undefined {
  const row = stmt(db, 'SELECT * FROM compartments WHERE id = ?').get(id) as Row | undefined;
  return row && fromRow(row);
}

export function findCompartmentByLock(
  db: Db,
  board: number,
  lock: number,
): Compartment | undefined {
  const row = stmt(db, 'SELECT * FROM compartments WHERE board = ? AND lock = ?').get(
    board,
    lock,
  ) as Row | undefined;
  return row && fromRow(row);
}

/** Physical description from the config file; state is only set for new rows. */
export type CompartmentLayout = Pick<
  Compartment,
  'id' | 'board' | 'lock' | 'size' | 'inner' | 'maxWeightG' | 'lowerDoor'
>;

export function upsertCompartmentLayout(db: Db, c: CompartmentLayout): void {
  stmt(
    db,
    `INSERT INTO compartments (id, board, lock, size, length_mm, width_mm, height_mm, max_weight_g, lower_door, state)
     VALUES (@id, @board, @lock, @size, @l, @w, @h, @maxWeightG, @lowerDoor, 'available')
     ON CONFLICT (id) DO UPDATE SET board = @board, lock = @lock, size = @size, length_mm = @l,
       width_mm = @w, height_mm = @h, max_weight_g = @maxWeightG, lower_door = @lowerDoor`,
  ).run({
    id: c.id,
    board: c.board,
    lock: c.lock,
    size: c.size,
    l: c.inner.lengthMm,
    w: c.inner.widthMm,
    h: c.inner.heightMm,
    maxWeightG: c.maxWeightG,
    lowerDoor: c.lowerDoor ? 1 : 0,
  });
}

/** Moves a compartment to another lock address (negative: parked during a rewiring). */
export function moveCompartmentLock(db: Db, id: string, board: number, lock: number): void {
  stmt(db, 'UPDATE compartments SET board = ?, lock = ? WHERE id = ?').run(board, lock, id);
}

export function deleteCompartment(db: Db, id: string): void {
  stmt(db, 'DELETE FROM compartments WHERE id = ?').run(id);
}

/** Sets the state; an out-of-service compartment keeps its reason unless a new one is given. */
export function setCompartmentState(
  db: Db,
  id: string,
  state: CompartmentState,
  outOfServiceReason: string | null = null,
): void {
  stmt(
    db,
    `UPDATE compartments SET state = @state, out_of_service_reason =
       CASE WHEN @state = 'out_of_service' THEN COALESCE(@reason, out_of_service_reason) END
     WHERE id = @id`,
  ).run({ state, reason: outOfServiceReason, id });
}

export function setDoorSensed(
  db: Db,
  id: string,
  doorOpen: boolean | null,
  itemPresent: boolean | null,
): void {
  stmt(db, 'UPDATE compartments SET door_open = ?, item_present = ? WHERE id = ?').run(
    bit(doorOpen),
    bit(itemPresent),
    id,
  );
}

export function markCompartmentUsed(db: Db, id: string, at: number): void {
  stmt(db, 'UPDATE compartments SET last_used_at = ? WHERE id = ?').run(at, id);
}
