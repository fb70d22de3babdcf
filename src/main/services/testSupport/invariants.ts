/**
 * The locker's invariants, checked straight on the SQLite file (raw SQL, independent of the
 * services' own queries) so the property, crash and brute-force tests all judge the store the
 * same way. Returns one line per violation; an empty list means the store is consistent.
 */
import type { KeyObject } from 'node:crypto';
import { GENESIS_HASH } from '../../../shared/events';
import { verifyChain } from '../../../shared/node/eventChain';
import type { Db } from '../../store/database';

export interface InvariantOptions {
  /**
   * The doors as they physically are (compartment id → open), when the caller knows them (a
   * test driving a MemoryLockBoard, after `core.settled()`). Adds: the store's sensed door
   * state matches, and no door operation believes its door is open while it is shut.
   */
  doors?: ReadonlyMap<string, boolean>;
  /**
   * Verify the chain incrementally: events up to `seq` were verified before and ended with
   * `hash`. Updated in place after a successful check. Without it the whole chain is verified.
   */
  chainCache?: { seq: number; hash: string };
  /** Skip the signature check of the chain (seq continuity is still checked). Default: verify. */
  skipSignatures?: boolean;
  /**
   * What is physically inside each compartment (compartment id → item present), where the
   * board has IR and the caller knows. Adds: no free compartment holds an item.
   */
  items?: ReadonlyMap<string, boolean>;
  /**
   * The clock and the backstop, after the time-driven work has run. Adds: no door operation is
   * older than its backstop (open, or closed unconfirmed, for longer).
   */
  backstop?: { now: number; ms: number };
}

interface EventRow {
  seq: number;
  type: string;
  body: string;
  hash: string;
  sig: string;
}

const HOLDS_PARCEL = `('deposited','expired')`;

export function checkInvariants(
  db: Db,
  publicKey: KeyObject,
  options: InvariantOptions = {},
): string[] {
  const v: string[] = [];
  const all = <T>(sql: string, ...params: unknown[]) => db.prepare(sql).all(...params) as T[];

  // 1. Never two items in one compartment (parcels in it, returns in it, or one of each).
  for (const r of all<{ c: string; n: number }>(
    `SELECT c, count(*) AS n FROM (
       SELECT compartment_id AS c FROM parcels WHERE state IN ${HOLDS_PARCEL} AND compartment_id IS NOT NULL
       UNION ALL
       SELECT compartment_id AS c FROM returns WHERE state = 'deposited' AND compartment_id IS NOT NULL)
     GROUP BY c HAVING n > 1`,
  )) {
    v.push(`compartment ${r.c} holds ${r.n} items`);
  }

  // 2. Every item in the locker has a compartment that is occupied (or out of service, kept
  //    with its contents recorded).
  for (const r of all<{ kind: string; id: string; c: string | null; cs: string | null }>(
    `SELECT 'parcel' AS kind, p.id, p.compartment_id AS c, k.state AS cs FROM parcels p
       LEFT JOIN compartments k ON k.id = p.compartment_id WHERE p.state IN ${HOLDS_PARCEL}
     UNION ALL
     SELECT 'return', r.id, r.compartment_id, k.state FROM returns r
       LEFT JOIN compartments k ON k.id = r.compartment_id WHERE r.state = 'deposited'`,
  )) {
    if (r.c === null) v.push(`${r.kind} ${r.id} is in the locker without a compartment`);
    else if (r.cs !== 'occupied' && r.cs !== 'out_of_service') {
      v.push(`${r.kind} ${r.id} is in compartment ${r.c}, which is ${r.cs ?? 'missing'}`);
    }
  }

  // 3. Every occupied compartment holds exactly one item.
  for (const r of all<{ id: string; n: number }>(
    `SELECT k.id, (SELECT count(*) FROM parcels p WHERE p.compartment_id = k.id AND p.state IN ${HOLDS_PARCEL})
                + (SELECT count(*) FROM returns r WHERE r.compartment_id = k.id AND r.state = 'deposited') AS n
     FROM compartments k WHERE k.state = 'occupied'`,
  )) {
    if (r.n !== 1) v.push(`occupied compartment ${r.id} holds ${r.n} items`);
  }

  // 4. A reserved compartment is reserved by exactly one deposit or return deposit.
  for (const r of all<{ id: string; kinds: string | null }>(
    `SELECT k.id, (SELECT group_concat(o.kind) FROM door_operations o WHERE o.compartment_id = k.id) AS kinds
     FROM compartments k WHERE k.state = 'reserved'`,
  )) {
    const kinds = r.kinds === null ? [] : r.kinds.split(',');
    if (kinds.length !== 1 || (kinds[0] !== 'deposit' && kinds[0] !== 'return_deposit')) {
      v.push(`reserved compartment ${r.id} has door operations [${kinds.join(', ')}]`);
    }
  }

  // 5. Door operations refer to something that can still happen.
  for (const op of all<{
    id: number;
    kind: string;
    compartment_id: string;
    cs: string | null;
    ps: string | null;
    pc: string | null;
    rs: string | null;
  }>(
    `SELECT o.id, o.kind, o.compartment_id, k.state AS cs, p.state AS ps, p.compartment_id AS pc, r.state AS rs
     FROM door_operations o LEFT JOIN compartments k ON k.id = o.compartment_id
       LEFT JOIN parcels p ON p.id = o.parcel_id LEFT JOIN returns r ON r.id = o.return_id`,
  )) {
    const where = `${op.kind} operation ${op.id} on ${op.compartment_id}`;
    if (op.kind === 'deposit' || op.kind === 'return_deposit') {
      const item = op.kind === 'deposit' ? op.ps : op.rs;
      if (item !== 'expected') v.push(`${where} deposits an item that is ${item ?? 'missing'}`);
      if (op.cs !== 'reserved' && op.cs !== 'out_of_service')
        v.push(`${where}: compartment is ${op.cs ?? 'missing'}`);
    } else if (op.kind === 'pickup') {
      if (op.ps !== 'deposited' || op.pc !== op.compartment_id) {
        v.push(
          `${where} picks up a parcel that is ${op.ps ?? 'missing'} in ${op.pc ?? 'no compartment'}`,
        );
      }
    }
  }

  // 6. No parcel or return lost: whatever was ever deposited is still inside, or left with a
  //    recorded pickup or collection.
  const events = all<EventRow>('SELECT seq, type, body, hash, sig FROM events ORDER BY seq');
  const recorded = (type: string) =>
    new Set(
      events
        .filter((e) => e.type === type)
        .map((e) => {
          const payload = (
            JSON.parse(e.body) as { payload: { parcelId?: string; returnId?: string } }
          ).payload;
          return payload.parcelId ?? payload.returnId ?? '';
        }),
    );
  const pickedUp = recorded('parcel.picked_up');
  const collected = recorded('parcel.collected');
  const parcelState = new Map(
    all<{ id: string; state: string }>('SELECT id, state FROM parcels').map((p) => [p.id, p.state]),
  );
  for (const id of recorded('parcel.deposited')) {
    const state = parcelState.get(id);
    const ok =
      state === 'deposited' ||
      state === 'expired' ||
      (state === 'picked_up' && pickedUp.has(id)) ||
      (state === 'collected' && collected.has(id));
    if (!ok)
      v.push(
        `parcel ${id} was deposited and is now ${state ?? 'missing'} without a pickup or collection event`,
      );
  }
  const returnsCollected = recorded('return.collected');
  const returnState = new Map(
    all<{ id: string; state: string }>('SELECT id, state FROM returns').map((r) => [r.id, r.state]),
  );
  for (const id of recorded('return.deposited')) {
    const state = returnState.get(id);
    if (!(state === 'deposited' || (state === 'collected' && returnsCollected.has(id)))) {
      v.push(
        `return ${id} was deposited and is now ${state ?? 'missing'} without a collection event`,
      );
    }
  }
  for (const id of pickedUp)
    if (parcelState.get(id) !== 'picked_up')
      v.push(`parcel ${id} has a pickup event but is ${parcelState.get(id)}`);

  // 7. The audit chain: gap-free from the checkpoint (or 1), every link and signature valid.
  const meta = (key: string) =>
    (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)
      ?.value;
  const cpSeq = meta('checkpoint_seq');
  const cpHash = meta('checkpoint_hash');
  let start =
    cpSeq !== undefined && cpHash !== undefined
      ? { seq: Number(cpSeq) + 1, prevHash: cpHash }
      : { seq: 1, prevHash: GENESIS_HASH };
  events.forEach((e, i) => {
    if (e.seq !== start.seq + i)
      v.push(`event seq ${e.seq} at position ${i}, expected ${start.seq + i}`);
  });
  let toVerify = events;
  const cache = options.chainCache;
  if (cache && cache.seq >= start.seq) {
    const at = events.findIndex((e) => e.seq === cache.seq);
    if (at < 0 || events[at]!.hash !== cache.hash)
      v.push(`event ${cache.seq}, verified before, is gone or changed`);
    else {
      toVerify = events.slice(at + 1);
      start = { seq: cache.seq + 1, prevHash: cache.hash };
    }
  }
  if (!options.skipSignatures) {
    const chain = verifyChain(
      toVerify.map((e) => ({ ...(JSON.parse(e.body) as object), hash: e.hash, sig: e.sig })),
      publicKey,
      start,
    );
    if (!chain.ok) v.push(`chain broken at seq ${chain.seq}: ${chain.reason} (${chain.detail})`);
    else if (cache) Object.assign(cache, { seq: chain.lastSeq, hash: chain.lastHash });
  }

  // 8. With the physical doors known: the store senses them as they are, and no door operation
  //    is left waiting for a door that has already shut (its closing was lost or rolled back).
  if (options.doors) {
    for (const c of all<{ id: string; door_open: number | null }>(
      'SELECT id, door_open FROM compartments',
    )) {
      const open = options.doors.get(c.id);
      if (open !== undefined && c.door_open !== null && (c.door_open === 1) !== open) {
        v.push(
          `compartment ${c.id}: store says door ${c.door_open === 1 ? 'open' : 'closed'}, it is ${open ? 'open' : 'closed'}`,
        );
      }
    }
    for (const op of all<{ id: number; kind: string; compartment_id: string }>(
      `SELECT id, kind, compartment_id FROM door_operations WHERE phase = 'opened'`,
    )) {
      if (options.doors.get(op.compartment_id) === false) {
        v.push(
          `${op.kind} operation ${op.id} on ${op.compartment_id} still waits although its door has closed`,
        );
      }
    }
  }

  // 9. IR is believed: a free compartment holds nothing (once no door operation has it open).
  if (options.items) {
    for (const c of all<{ id: string }>(
      `SELECT id FROM compartments k WHERE state = 'available'
       AND NOT EXISTS (SELECT 1 FROM door_operations o WHERE o.compartment_id = k.id)`,
    )) {
      if (options.items.get(c.id) === true) v.push(`free compartment ${c.id} holds an item`);
    }
  }

  // 10. Time ends every watched door operation: none is older than its backstop.
  if (options.backstop) {
    const { now, ms } = options.backstop;
    for (const op of all<{ id: number; kind: string; compartment_id: string; phase_at: number }>(
      `SELECT id, kind, compartment_id, phase_at FROM door_operations
       WHERE phase IN ('opened','awaiting_confirmation')`,
    )) {
      if (now - op.phase_at >= ms)
        v.push(`${op.kind} operation ${op.id} on ${op.compartment_id} is older than its backstop`);
    }
  }
  return v;
}
