/** Queries on the compartments table: the provisioned layout and the state events describe. */
import type { CompartmentState, Dimensions, Size } from '../../src/shared/domain';
import type { Db } from './database';
import { stmt } from './statements';

export interface CloudCompartment {
  lockerId: string;
  id: string;
  size: Size;
  inner: Dimensions;
  maxWeightG: number;
  lowerDoor: boolean;
  state: CompartmentState;
  parcelId: string | null;
  returnId: string | null;
  doorOpen: boolean | null;
  /** Seq of the event that last changed it; 0 while only provisioned. */
  stateSeq: number;
}

interface Row {
  locker_id: string;
  id: string;
  size: Size;
  length_mm: number;
  width_mm: number;
  height_mm: number;
  max_weight_g: number;
  lower_door: number;
  state: CompartmentState;
  parcel_id: string | null;
  return_id: string | null;
  door_open: number | null;
  state_seq: number;
}

const fromRow = (r: Row): CloudCompartment => ({
  lockerId: r.locker_id,
  id: r.id,
  size: r.size,
  inner: { lengthMm: r.length_mm, widthMm: r.width_mm, heightMm: r.height_mm },
  maxWeightG: r.max_weight_g,
  lowerDoor: r.lower_door === 1,
  state: r.state,
  parcelId: r.parcel_id,
  returnId: r.return_id,
  doorOpen: r.door_open === null ? null : r.door_open === 1,
  stateSeq: r.state_seq,
});

export function insertCompartment(
  db: Db,
  c: Pick<CloudCompartment, 'lockerId' | 'id' | 'size' | 'inner' | 'maxWeightG' | 'lowerDoor'>,
): void {
  stmt(
    db,
    `INSERT INTO compartments
       (locker_id, id, size, length_mm, width_mm, height_mm, max_weight_g, lower_door)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    c.lockerId,
    c.id,
    c.size,
    c.inner.lengthMm,
    c.inner.widthMm,
    c.inner.heightMm,
    c.maxWeightG,
    c.lowerDoor ? 1 : 0,
  );
}

export function listCompartments(db: Db, lockerId: string): CloudCompartment[] {
  return (
    stmt(db, 'SELECT * FROM compartments WHERE locker_id = ? ORDER BY id').all(lockerId) as Row[]
  ).map(fromRow);
}

export function getCompartment(db: Db, lockerId: string, id: string): CloudCompartment | null {
  const row = stmt(db, 'SELECT * FROM compartments WHERE locker_id = ? AND id = ?').get(
    lockerId,
    id,
  ) as Row | undefined;
  return row ? fromRow(row) : null;
}

/** Records what an event says about a compartment; unknown compartments are ignored. */
export function setCompartmentState(
  db: Db,
  lockerId: string,
  id: string,
  change: {
    state?: CompartmentState;
    parcelId?: string | null;
    returnId?: string | null;
    doorOpen?: boolean | null;
  },
  seq: number,
): boolean {
  const current = getCompartment(db, lockerId, id);
  if (!current) return false;
  const next = { ...current, ...change };
  stmt(
    db,
    `UPDATE compartments SET state = ?, parcel_id = ?, return_id = ?, door_open = ?, state_seq = ?
     WHERE locker_id = ? AND id = ?`,
  ).run(
    next.state,
    next.parcelId,
    next.returnId,
    next.doorOpen === null ? null : next.doorOpen ? 1 : 0,
    seq,
    lockerId,
    id,
  );
  return true;
}
