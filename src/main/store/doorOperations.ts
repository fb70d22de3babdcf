/** Queries on door_operations: the durable record of why a door is being opened. */
import type { Db } from './database';

export type { DoorOperationKind } from '../../shared/domain';
import type { DoorOperationKind } from '../../shared/domain';

export interface DoorOperation {
  id: number;
  kind: DoorOperationKind;
  compartmentId: string;
  parcelId: string | null;
  returnId: string | null;
  /** Who asked: a badge subject, or "customer". */
  actor: string;
  startedAt: number;
  /** After this the operation is abandoned if the door never opened. */
  deadlineAt: number;
  doorOpenedAt: number | null;
}

interface Row {
  id: number;
  kind: DoorOperationKind;
  compartment_id: string;
  parcel_id: string | null;
  return_id: string | null;
  actor: string;
  started_at: number;
  deadline_at: number;
  door_opened_at: number | null;
}

const fromRow = (r: Row): DoorOperation => ({
  id: r.id,
  kind: r.kind,
  compartmentId: r.compartment_id,
  parcelId: r.parcel_id,
  returnId: r.return_id,
  actor: r.actor,
  startedAt: r.started_at,
  deadlineAt: r.deadline_at,
  doorOpenedAt: r.door_opened_at,
});

export function insertDoorOperation(
  db: Db,
  op: Omit<DoorOperation, 'id' | 'doorOpenedAt'>,
): DoorOperation {
  const info = db
    .prepare(
      `INSERT INTO door_operations (kind, compartment_id, parcel_id, return_id, actor, started_at, deadline_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      op.kind,
      op.compartmentId,
      op.parcelId,
      op.returnId,
      op.actor,
      op.startedAt,
      op.deadlineAt,
    );
  return { ...op, id: Number(info.lastInsertRowid), doorOpenedAt: null };
}

export function getDoorOperation(db: Db, id: number): DoorOperation | undefined {
  const row = db.prepare('SELECT * FROM door_operations WHERE id = ?').get(id) as Row | undefined;
  return row && fromRow(row);
}

export function doorOperationFor(db: Db, compartmentId: string): DoorOperation | undefined {
  const row = db
    .prepare('SELECT * FROM door_operations WHERE compartment_id = ?')
    .get(compartmentId) as Row | undefined;
  return row && fromRow(row);
}

export function listDoorOperations(db: Db): DoorOperation[] {
  return (db.prepare('SELECT * FROM door_operations ORDER BY id').all() as Row[]).map(fromRow);
}

export function markDoorOpened(db: Db, id: number, at: number): void {
  db.prepare(
    'UPDATE door_operations SET door_opened_at = ? WHERE id = ? AND door_opened_at IS NULL',
  ).run(at, id);
}

export function deleteDoorOperation(db: Db, id: number): void {
  db.prepare('DELETE FROM door_operations WHERE id = ?').run(id);
}
