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
  // One statement: each field the change names is set, the others keep their value.
  const given = (v: unknown) => (v === undefined ? 0 : 1);
  return (
    stmt(
      db,
      `UPDATE compartments SET
         state = IIF(@setState, @state, state),
         parcel_id = IIF(@setParcel, @parcelId, parcel_id),
         return_id = IIF(@setReturn, @returnId, return_id),
         door_open = IIF(@setDoor, @doorOpen, door_open),
         state_seq = @seq
       WHERE locker_id = @lockerId AND id = @id`,
    ).run({
      lockerId,
      id,
      seq,
      setState: given(change.state),
      state: change.state ?? null,
      setParcel: given(change.parcelId),
      parcelId: change.parcelId ?? null,
      setReturn: given(change.returnId),
      returnId: change.returnId ?? null,
      setDoor: given(change.doorOpen),
      doorOpen: change.doorOpen === undefined || change.doorOpen === null ? null : +change.doorOpen,
    }).changes > 0
  );
}

/**
 * The shapes of the compartments that can take a parcel now (the `free` column of migration
 * 009), each with how many are free: a handful of rows however many compartments.
 */
export function freeShapes(
  db: Db,
  lockerId: string,
): (Pick<CloudCompartment, 'size' | 'inner' | 'maxWeightG'> & { n: number })[] {
  return (
    stmt(
      db,
      `SELECT size, length_mm, width_mm, height_mm, max_weight_g, COUNT(*) AS n
       FROM compartments WHERE locker_id = ? AND free = 1
       GROUP BY size, length_mm, width_mm, height_mm, max_weight_g`,
    ).all(lockerId) as (Row & { n: number })[]
  ).map((r) => ({
    size: r.size,
    inner: { lengthMm: r.length_mm, widthMm: r.width_mm, heightMm: r.height_mm },
    maxWeightG: r.max_weight_g,
    n: r.n,
  }));
}

/**
 * A compartment the unit reports added: the cloud records it with the shape it is given, free
 * as of the event that added it.
 */
export function addCompartment(
  db: Db,
  c: Pick<CloudCompartment, 'lockerId' | 'id' | 'size' | 'inner' | 'maxWeightG' | 'lowerDoor'>,
  seq: number,
): void {
  insertCompartment(db, c);
  stmt(db, 'UPDATE compartments SET state_seq = ? WHERE locker_id = ? AND id = ?').run(
    seq,
    c.lockerId,
    c.id,
  );
}

/** A compartment the unit reports removed from its layout: no longer counted or promised. */
export function deleteCompartment(db: Db, lockerId: string, id: string): boolean {
  return (
    stmt(db, 'DELETE FROM compartments WHERE locker_id = ? AND id = ?').run(lockerId, id).changes >
    0
  );
}

/** The distinct shapes (size, inner dimensions, weight limit) of a locker's compartments. */
export function listCompartmentShapes(
  db: Db,
  lockerId: string,
): Pick<CloudCompartment, 'size' | 'inner' | 'maxWeightG'>[] {
  return (
    stmt(
      db,
      `SELECT DISTINCT size, length_mm, width_mm, height_mm, max_weight_g
       FROM compartments WHERE locker_id = ?`,
    ).all(lockerId) as Row[]
  ).map((r) => ({
    size: r.size,
    inner: { lengthMm: r.length_mm, widthMm: r.width_mm, heightMm: r.height_mm },
    maxWeightG: r.max_weight_g,
  }));
}

/**
 * Keeps beside each compartment what a state snapshot (its JSON text, at `seq`) says of it, or
 * nothing where the snapshot does not list it: the capacity table counts from the newer of
 * snapshot and events.
 */
export function recordSnapshotCompartments(
  db: Db,
  lockerId: string,
  json: string,
  seq: number,
): void {
  stmt(
    db,
    `UPDATE compartments SET snapshot_seq = NULL, snapshot_state = NULL, snapshot_door_open = NULL
     WHERE locker_id = @lockerId AND snapshot_seq IS NOT NULL
       AND id NOT IN (SELECT value ->> '$.id' FROM json_each(@json, '$.compartments'))`,
  ).run({ lockerId, json });
  stmt(
    db,
    `UPDATE compartments AS c
     SET snapshot_seq = @seq, snapshot_state = s.value ->> '$.state',
         snapshot_door_open = s.value ->> '$.doorOpen'
     FROM json_each(@json, '$.compartments') AS s
     WHERE c.locker_id = @lockerId AND c.id = s.value ->> '$.id'`,
  ).run({ lockerId, json, seq });
}
