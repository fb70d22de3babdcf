/**
 * No door pulsed twice for one operation: the unlock frames the lock boards heard, per lock,
 * against the kiosk's own record of its door operations (`lock.pulsed`, and every door fact that
 * names an operation). The kiosk records a pulse after the frame has gone, so a process killed in
 * between leaves one frame without its record; that operation then has door facts but no
 * `lock.pulsed`. Any other frame beyond the records is a door opened twice for one operation.
 */
import type { Db } from '../../../src/main/store/database';

export interface PulseAudit {
  /** Unlock frames the boards heard. */
  framesHeard: number;
  /** `lock.pulsed` events in the kiosk's chain. */
  pulsesRecorded: number;
  /** Operations whose pulse went out but whose record died with the process. */
  pulsesUnrecorded: number;
  /** Operations with more than one `lock.pulsed`. */
  operationsPulsedTwice: number;
  violations: string[];
}

/**
 * `unlocksByLock`: frames heard per `board/lock`; `lockOf`: the compartment's lock, same form;
 * `reopensAllowed`: whether the work may ask for a second pulse ("door didn't open").
 */
export function auditDoorPulses(
  db: Db,
  unlocksByLock: ReadonlyMap<string, number>,
  lockOf: ReadonlyMap<string, string>,
  reopensAllowed = false,
): PulseAudit {
  const events = db
    .prepare(`SELECT type, body FROM events WHERE body LIKE '%"operationId"%' ORDER BY seq`)
    .all() as { type: string; body: string }[];
  const pulses = new Map<number, number>();
  const opCompartment = new Map<number, string>();
  for (const e of events) {
    const { payload } = JSON.parse(e.body) as {
      payload: { operationId?: number; compartmentId?: string };
    };
    if (payload.operationId === undefined || payload.compartmentId === undefined) continue;
    opCompartment.set(payload.operationId, payload.compartmentId);
    if (e.type === 'lock.pulsed')
      pulses.set(payload.operationId, (pulses.get(payload.operationId) ?? 0) + 1);
  }
  // Operations still open in the store count too (recorded, their pulse maybe gone).
  for (const r of db.prepare('SELECT id, compartment_id AS c FROM door_operations').all() as {
    id: number;
    c: string;
  }[])
    opCompartment.set(r.id, r.c);

  const violations: string[] = [];
  let operationsPulsedTwice = 0;
  const recordedBy = new Map<string, number>();
  const unrecordedMaxBy = new Map<string, number>();
  for (const [op, compartment] of opCompartment) {
    const n = pulses.get(op) ?? 0;
    const lock = lockOf.get(compartment) ?? `? ${compartment}`;
    recordedBy.set(lock, (recordedBy.get(lock) ?? 0) + n);
    if (n === 0) unrecordedMaxBy.set(lock, (unrecordedMaxBy.get(lock) ?? 0) + 1);
    if (n > 1 && !reopensAllowed) {
      operationsPulsedTwice += 1;
      violations.push(`operation ${op} (${compartment}) has ${n} lock.pulsed records`);
    }
  }
  let pulsesUnrecorded = 0;
  const locks = new Set([...unlocksByLock.keys(), ...recordedBy.keys()]);
  for (const lock of locks) {
    const heard = unlocksByLock.get(lock) ?? 0;
    const recorded = recordedBy.get(lock) ?? 0;
    const excess = heard - recorded;
    if (excess < 0)
      violations.push(`lock ${lock}: ${recorded} pulses recorded but the board heard ${heard}`);
    else if (excess > (unrecordedMaxBy.get(lock) ?? 0))
      violations.push(
        `lock ${lock}: the board heard ${heard} unlocks, the kiosk recorded ${recorded} pulses ` +
          `and only ${unrecordedMaxBy.get(lock) ?? 0} operation(s) lost a record: a door pulsed twice`,
      );
    else pulsesUnrecorded += excess;
  }
  const framesHeard = [...unlocksByLock.values()].reduce((a, b) => a + b, 0);
  const pulsesRecorded = [...pulses.values()].reduce((a, b) => a + b, 0);
  return { framesHeard, pulsesRecorded, pulsesUnrecorded, operationsPulsedTwice, violations };
}
