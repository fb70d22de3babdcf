/** Queries on door_operations: the durable record of why a door is being opened. */
import type { Db } from './database';
import { stmt } from './statements';

export type { DoorOperationKind } from '../../shared/domain';
import type { DoorOperationKind } from '../../shared/domain';
import type { DoorPhase } from '../core/doorOperation';

export interface DoorOperation {
  id: number;
  kind: DoorOperationKind;
  compartmentId: string;
  parcelId: string | null;
  returnId: string | null;
  /** Who asked: a badge subject, or "customer". */
  actor: string;
  startedAt: number;
  /**
   * The reservation deadline from `policy.reservationTimeoutSec`, kept on record; what ends an
   * operation now is its phase and the door timings (core/doorOperation.ts decideOnTime).
   */
  deadlineAt: number;
  doorOpenedAt: number | null;
  phase: DoorPhase;
  /** When the operation entered its phase. */
  phaseAt: number;
  /** "Doesn't fit" was said while the door stood open: decided when the door closes. */
  ending: 'doesnt_fit' | null;
  /** This operation put its compartment in inspection (its outcome was unknown). */
  inspecting: boolean;
  /** Extra pulses a person asked for ("door didn't open" on a door read shut). */
  reopens: number;
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
  phase: DoorPhase;
  phase_at: number;
  ending: 'doesnt_fit' | null;
  inspecting: number;
  reopens: number;
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
  phase: r.phase,
  phaseAt: r.phase_at,
  ending: r.ending,
  inspecting: r.inspecting === 1,
  reopens: r.reopens,
});

export function insertDoorOperation(
  db: Db,
  op: Omit<
    DoorOperation,
    'id' | 'doorOpenedAt' | 'phase' | 'phaseAt' | 'ending' | 'inspecting' | 'reopens'
  >,
): DoorOperation {
  const info = stmt(
    db,
    `INSERT INTO door_operations (kind, compartment_id, parcel_id, return_id, actor, started_at, deadline_at, phase_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    op.kind,
    op.compartmentId,
    op.parcelId,
    op.returnId,
    op.actor,
    op.startedAt,
    op.deadlineAt,
    op.startedAt,
  );
  return {
    ...op,
    id: Number(info.lastInsertRowid),
    doorOpenedAt: null,
    phase: 'recorded',
    phaseAt: op.startedAt,
    ending: null,
    inspecting: false,
    reopens: 0,
  };
}

export function getDoorOperation(db: Db, id: number): DoorOperation | undefined {
  const row = stmt(db, 'SELECT * FROM door_operations WHERE id = ?').get(id) as Row | undefined;
  return row && fromRow(row);
}

export function doorOperationFor(db: Db, compartmentId: string): DoorOperation | undefined {
  const row = stmt(db, 'SELECT * FROM door_operations WHERE compartment_id = ?').get(
    compartmentId,
  ) as Row | undefined;
  return row && fromRow(row);
}

export function listDoorOperations(db: Db): DoorOperation[] {
  return (stmt(db, 'SELECT * FROM door_operations ORDER BY id').all() as Row[]).map(fromRow);
}

/** The door was sensed open: the operation waits for it to close. */
export function markDoorOpened(db: Db, id: number, at: number): void {
  stmt(
    db,
    `UPDATE door_operations SET phase = 'opened', phase_at = ?, door_opened_at = COALESCE(door_opened_at, ?)
     WHERE id = ?`,
  ).run(at, at, id);
}

export function setDoorPhase(db: Db, id: number, phase: DoorPhase, at: number): void {
  stmt(db, 'UPDATE door_operations SET phase = ?, phase_at = ? WHERE id = ?').run(phase, at, id);
}

export function setDoorEnding(db: Db, id: number, ending: 'doesnt_fit' | null): void {
  stmt(db, 'UPDATE door_operations SET ending = ? WHERE id = ?').run(ending, id);
}

export function setInspecting(db: Db, id: number, inspecting: boolean): void {
  stmt(db, 'UPDATE door_operations SET inspecting = ? WHERE id = ?').run(inspecting ? 1 : 0, id);
}

/** A person asked for the door to be pulsed once more. */
export function countReopen(db: Db, id: number): void {
  db.prepare('UPDATE door_operations SET reopens = reopens + 1 WHERE id = ?').run(id);
}

export function deleteDoorOperation(db: Db, id: number): void {
  stmt(db, 'DELETE FROM door_operations WHERE id = ?').run(id);
}
