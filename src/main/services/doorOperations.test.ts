/**
 * Door operations that never guess (DESIGN §3): each finding of the review, reproduced against
 * KioskCore on a real SQLite store with an in-memory board that can lose answers, go silent,
 * jam, bounce open and hold items, then the neighbours of each finding.
 */
import { describe, expect, it } from 'vitest';
import type { LockAddress, LockBoard, LockBoardResult } from '../core/lockBoard';
import { MemoryLockBoard } from '../core/memoryLockBoard';
import { getCompartment } from '../store/compartments';
import { listDoorOperations } from '../store/doorOperations';
import { listEvents } from '../store/events';
import { getParcel } from '../store/parcels';
import type { Actor } from './context';
import {
  FakeClock,
  announce,
  deposit,
  digestOf,
  eventTypes,
  lockOf,
  smallLockerConfig,
  startDeposit,
  startFixture,
  testCourier as courier,
  type Fixture,
} from './testSupport/kioskFixture';

const staff: Actor = { role: 'staff', subject: 's-2' };
const payloads = (f: Fixture, type: string) =>
  listEvents(f.db)
    .filter((e) => e.type === type)
    .map((e) => (JSON.parse(e.body) as { payload: Record<string, unknown> }).payload);
const doorsPulsed = (board: MemoryLockBoard, from = 0) =>
  new Set(board.unlocked.slice(from).map((a) => `${a.board}/${a.lock}`));

/**
 * A board whose latch fires and then goes unreadable before anyone can hear it: the worst
 * moment for a bus to drop. Wraps a MemoryLockBoard; `dropAfterUnlock` arms it once.
 */
class DropsAfterUnlock implements LockBoard {
  dropAfterUnlock = false;
  constructor(readonly inner: MemoryLockBoard) {}
  async unlock(address: LockAddress): Promise<LockBoardResult<void>> {
    if (!this.dropAfterUnlock) return this.inner.unlock(address);
    this.dropAfterUnlock = false;
    this.inner.failure = 'timeout'; // from here on nobody hears the board…
    this.inner.unlocked.push(address); // …as the latch fires and the door springs open
    this.inner.forceOpen(address);
    return { ok: false, error: 'timeout' };
  }
  queryBoard = (board: number) => this.inner.queryBoard(board);
  onEvent = (listener: Parameters<LockBoard['onEvent']>[0]) => this.inner.onEvent(listener);
  close = () => this.inner.close();
}

describe('no answer is not "did not open"', () => {
  it('goes on when the latch fired but its answer was lost: the door is read open', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    f.board.mute = true;
    const started = await f.core.deposits.start(courier, 'TRKp1');
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    expect(doorsPulsed(f.board).size).toBe(1);
    expect(payloads(f, 'lock.pulsed')).toEqual([
      expect.objectContaining({ compartmentId: started.value.compartmentId, acknowledged: false }),
    ]);
    f.board.closeDoor(lockOf(f, started.value.compartmentId));
    await f.core.settled();
    expect(getParcel(f.db, 'p1')?.state).toBe('deposited');
  });

  it('retries a shut door once after the cool-down, then calls it jammed and opens one other door', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    f.board.mute = true;
    const first = f.config.compartments.find((c) => c.id === 'A1')!;
    // Only A1 is free among the S compartments, so the choice is known.
    for (const id of ['A2', 'B1']) f.core.staff.setOutOfService(staff, id, 'kept out for the test');
    f.board.jam(first);
    const t0 = f.clock.now();
    const started = await f.core.deposits.start(courier, 'TRKp1');
    const pulses = f.board.unlocked.map((a) => `${a.board}/${a.lock}`);
    expect(pulses.slice(0, 2)).toEqual(['0/1', '0/1']);
    expect(f.clock.now() - t0).toBeGreaterThanOrEqual(f.config.policy.doors.solenoidCooldownMs);
    expect(getCompartment(f.db, 'A1')?.state).toBe('out_of_service');
    expect(payloads(f, 'door.jammed')).toEqual([
      expect.objectContaining({ compartmentId: 'A1', evidence: 'no_answer' }),
    ]);
    // A1 is known not to have opened, so one other door may open: no more.
    expect(started.ok && started.value.compartmentId).not.toBe('A1');
    expect(doorsPulsed(f.board).size).toBe(2);
  });

  it('keeps the operation and pulses no other door when the board cannot be read', async () => {
    const inner = new MemoryLockBoard(smallLockerConfig().compartments);
    const board = new DropsAfterUnlock(inner);
    const f = await startFixture({ board: inner });
    // Rebuild the core on the dropping board, same store.
    await f.core.close();
    const g = await startFixture({ board: board as unknown as MemoryLockBoard, clock: f.clock });
    announce(g, 'p1', '123456');
    board.dropAfterUnlock = true;
    const started = await g.core.deposits.start(courier, 'TRKp1');
    expect(started).toEqual({
      ok: false,
      error: { reason: 'door_unknown', compartmentId: expect.any(String) },
    });
    if (started.ok || started.error.reason !== 'door_unknown') return;
    const id = started.error.compartmentId;
    expect(getCompartment(g.db, id)).toMatchObject({ state: 'out_of_service', doorOpen: null });
    expect(listDoorOperations(g.db)).toEqual([expect.objectContaining({ phase: 'unknown' })]);
    // Scanning again, or saying the door did not open, pulses nothing while it is unknown.
    const pulses = inner.unlocked.length;
    expect(await g.core.deposits.start(courier, 'TRKp1')).toEqual(started);
    const opId = listDoorOperations(g.db)[0]!.id;
    expect((await g.core.deposits.doorDidNotOpen(courier, opId)).ok).toBe(false);
    expect(inner.unlocked.length).toBe(pulses);
    // Time never releases it.
    g.clock.advance(30 * 86_400_000);
    await g.core.tick();
    expect(listDoorOperations(g.db)).toHaveLength(1);
    // The courier put the parcel in while nobody could read the board; the board answers again
    // with the door open (baseline): the deposit goes on, and the inspection is lifted.
    inner.failure = null;
    await g.core.settled();
    expect(getCompartment(g.db, id)?.state).toBe('reserved');
    inner.closeDoor(lockOf(g, id));
    await g.core.settled();
    expect(getParcel(g.db, 'p1')).toMatchObject({ state: 'deposited', compartmentId: id });
  });
});

describe('bus recovery does not abandon live operations', () => {
  it('keeps a deposit whose door stands open through a bus drop and return', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    const started = await startDeposit(f, 'p1');
    await f.core.settled();
    f.board.failure = 'disconnected';
    await f.core.settled();
    f.board.failure = null;
    await f.core.settled();
    expect(listDoorOperations(f.db)).toEqual([expect.objectContaining({ phase: 'opened' })]);
    f.board.closeDoor(lockOf(f, started.compartmentId));
    await f.core.settled();
    expect(getParcel(f.db, 'p1')?.state).toBe('deposited');
  });

  it('waits with a board reading until the request in flight has its answer', async () => {
    const inner = new MemoryLockBoard(smallLockerConfig().compartments);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: LockBoard = {
      unlock: async (a) => {
        await gate;
        return inner.unlock(a);
      },
      queryBoard: (b) => inner.queryBoard(b),
      onEvent: (l) => inner.onEvent(l),
      close: () => inner.close(),
    };
    const f = await startFixture({ board: slow as unknown as MemoryLockBoard });
    announce(f, 'p1', '123456');
    const starting = f.core.deposits.start(courier, 'TRKp1');
    // The bus drops and comes back while the unlock is on the wire: fault, recovered, baseline.
    inner.failure = 'timeout';
    inner.failure = null;
    release();
    const started = await starting;
    await f.core.settled();
    expect(started.ok).toBe(true);
    expect(listDoorOperations(f.db)).toEqual([expect.objectContaining({ phase: 'opened' })]);
    expect(eventTypes(f)).not.toContain('door.inspection');
    expect(eventTypes(f)).not.toContain('reconcile.resolved');
  });
});

describe('deferred means revisited; time never releases what is unknown', () => {
  it('sends a door left open past the backstop to inspection, never to a silent release', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    const started = await startDeposit(f, 'p1');
    await f.core.settled();
    f.clock.advance(f.config.policy.doors.openBackstopSec * 1000);
    await f.core.tick();
    expect(listDoorOperations(f.db)).toEqual([]);
    expect(getCompartment(f.db, started.compartmentId)).toMatchObject({
      state: 'out_of_service',
      outOfServiceReason: 'inspection: door left open',
    });
    expect(payloads(f, 'deposit.released')).toEqual([
      expect.objectContaining({ reason: 'inspection' }),
    ]);
  });

  it('settles an operation deferred at start on the board’s first good reading', async () => {
    const file = `/tmp/deferred-${process.pid}-${Date.now()}.db`;
    const first = await startFixture({ file, infrared: true });
    announce(first, 'p1', '123456');
    const started = await startDeposit(first, 'p1');
    await first.core.close();
    first.db.close();
    // While the kiosk is down the courier puts the parcel in and shuts the door; the board is
    // silent when the kiosk starts and wakes later.
    const lock = lockOf(first, started.compartmentId);
    first.board.setItem(lock, true);
    first.board.closeDoor(lock);
    first.board.failure = 'timeout';
    const again = await startFixture({ file, board: first.board, clock: first.clock });
    expect(listDoorOperations(again.db)).toEqual([
      expect.objectContaining({ phase: 'opened', inspecting: true }),
    ]);
    again.board.failure = null;
    await again.core.settled();
    expect(getParcel(again.db, 'p1')?.state).toBe('deposited');
    expect(getCompartment(again.db, started.compartmentId)?.state).toBe('occupied');
  });
});

describe('a door seen open is a fact', () => {
  it('refuses "door didn\'t open" once the door was seen open, and opens nothing else', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    const started = await startDeposit(f, 'p1');
    await f.core.settled();
    const before = f.board.unlocked.length;
    expect(await f.core.deposits.doorDidNotOpen(courier, started.operationId)).toEqual({
      ok: false,
      error: { reason: 'door_was_open', compartmentId: started.compartmentId },
    });
    expect(f.board.unlocked.length).toBe(before);
    expect(getCompartment(f.db, started.compartmentId)?.state).toBe('reserved');
  });

  it('believes a door read open when the courier says it did not open', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    const [a1] = f.config.compartments;
    for (const id of ['A2', 'B1']) f.core.staff.setOutOfService(staff, id, 'kept out for the test');
    f.board.jam(a1!);
    const started = await startDeposit(f, 'p1');
    f.board.forceOpen(a1!); // it did open after all, between two polls
    const said = await f.core.deposits.doorDidNotOpen(courier, started.operationId);
    expect(said).toEqual({ ok: false, error: { reason: 'door_was_open', compartmentId: 'A1' } });
    expect(doorsPulsed(f.board).size).toBe(1);
  });

  it('with IR, "doesn\'t fit" keeps the first compartment until its door closes, then IR decides', async () => {
    const f = await startFixture({ infrared: true });
    announce(f, 'p1', '123456');
    announce(f, 'p2', '654321');
    // p1: the courier tries, it does not fit, takes it out and closes the door: released.
    const one = await startDeposit(f, 'p1');
    await f.core.settled();
    const id1 = one.compartmentId;
    expect((await f.core.deposits.doesntFit(courier, one.operationId)).ok).toBe(false);
    expect(getCompartment(f.db, id1)?.state).toBe('reserved');
    f.board.closeDoor(lockOf(f, id1));
    await f.core.settled();
    const next = await f.core.deposits.doesntFit(courier, one.operationId);
    expect(next.ok && next.value.size).toBe('M');
    expect(getCompartment(f.db, id1)?.state).toBe('available');
    // p2: "doesn't fit", but the courier leaves it in and shuts the door: IR says it is inside.
    const two = await startDeposit(f, 'p2');
    await f.core.settled();
    await f.core.deposits.doesntFit(courier, two.operationId);
    f.board.setItem(lockOf(f, two.compartmentId), true);
    f.board.closeDoor(lockOf(f, two.compartmentId));
    await f.core.settled();
    expect(getParcel(f.db, 'p2')).toMatchObject({
      state: 'deposited',
      compartmentId: two.compartmentId,
    });
  });

  it('acts on a return\'s "doesn\'t fit" only for the customer who holds that return', async () => {
    const f = await startFixture();
    f.core.announcements.expectReturn({
      returnId: 'r-1',
      size: 'S',
      codeDigest: digestOf('777777'),
    });
    const opened = await f.core.returns.withCode('777777', 'code');
    if (!opened.ok) throw new Error('no return');
    await f.core.settled();
    const other = await f.core.returns.doesntFit(opened.value.operationId, 'r-someone-else');
    expect(other).toEqual({ ok: false, error: { reason: 'no_such_return_deposit' } });
    expect(await f.core.returns.doesntFit(opened.value.operationId, 'r-1')).toEqual({
      ok: false,
      error: { reason: 'close_door_first', compartmentId: opened.value.compartmentId },
    });
  });
});

describe('a door already open still gets its pulse', () => {
  it('records a bounced door open at once, so the pickup is never lost to a timeout', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    const id = await deposit(f, 'p1');
    f.board.forceOpen(lockOf(f, id)); // the latch gave way
    await f.core.settled();
    expect(payloads(f, 'door.opened_unexpectedly')).toEqual([
      { compartmentId: id, state: 'occupied' },
    ]);
    const before = f.board.unlocked.length;
    const r = await f.core.pickups.withCode('123456', 'code');
    expect(r.ok).toBe(true);
    expect(f.board.unlocked.length).toBe(before + 1); // pulsed all the same
    expect(listDoorOperations(f.db)).toEqual([expect.objectContaining({ phase: 'opened' })]);
    f.clock.advance(f.config.policy.doors.openDetectSec * 1000 * 3);
    await f.core.tick();
    f.board.closeDoor(lockOf(f, id));
    await f.core.settled();
    expect(getParcel(f.db, 'p1')?.state).toBe('picked_up');
  });
});

describe('IR is believed', () => {
  it('never offers a compartment whose IR senses an item, and takes it out of service', async () => {
    const f = await startFixture({ infrared: true });
    f.board.setItem(lockOf(f, 'A1'), true);
    await f.core.settled();
    expect(getCompartment(f.db, 'A1')?.state).toBe('out_of_service');
    expect(payloads(f, 'compartment.foreign_item')).toEqual([{ compartmentId: 'A1' }]);
    expect(f.core.staff.setInService(staff, 'A1', 'looked, fine')).toEqual({
      ok: false,
      error: { reason: 'item_sensed' },
    });
    announce(f, 'p1', '123456');
    const started = await f.core.deposits.start(courier, 'TRKp1');
    expect(started.ok && started.value.compartmentId).not.toBe('A1');
  });

  it('does not free a compartment at scan-out while IR still senses the item, only once it closes empty', async () => {
    const f = await startFixture({ infrared: true });
    announce(f, 'p1', '123456');
    const started = await startDeposit(f, 'p1');
    const lock = lockOf(f, started.compartmentId);
    f.board.setItem(lock, true);
    f.board.closeDoor(lock);
    await f.core.settled();
    f.clock.advance(4 * 86_400_000);
    await f.core.tick();
    expect((await f.core.collection.open(courier, started.compartmentId)).ok).toBe(true);
    await f.core.settled();
    expect(f.core.collection.scanOut(courier, 'TRKp1').ok).toBe(true);
    expect(getCompartment(f.db, started.compartmentId)?.state).toBe('out_of_service');
    f.board.setItem(lock, false);
    f.board.closeDoor(lock);
    await f.core.settled();
    expect(getCompartment(f.db, started.compartmentId)?.state).toBe('available');
  });
});

describe('configuration and data edges', () => {
  it('starts cleanly when two compartments swap locks, and audits the remap', async () => {
    const file = `/tmp/swap-${process.pid}-${Date.now()}.db`;
    const first = await startFixture({ file });
    await first.core.close();
    first.db.close();
    const config = smallLockerConfig();
    const [a1, a2] = config.compartments;
    [a1!.lock, a2!.lock] = [a2!.lock, a1!.lock];
    const again = await startFixture({ file, config });
    expect(getCompartment(again.db, 'A1')).toMatchObject({ lock: 2 });
    expect(getCompartment(again.db, 'A2')).toMatchObject({ lock: 1 });
    expect(payloads(again, 'compartment.rewired')).toEqual([
      { compartmentId: 'A1', from: { board: 0, lock: 1 }, to: { board: 0, lock: 2 } },
      { compartmentId: 'A2', from: { board: 0, lock: 2 }, to: { board: 0, lock: 1 } },
    ]);
  });

  it('merges a late announcement into the parcel deposited offline: one parcel, never two', async () => {
    const f = await startFixture();
    const started = await f.core.deposits.start(courier, 'OFFLINE-1', 'S');
    if (!started.ok) throw new Error('no start');
    f.board.closeDoor(lockOf(f, started.value.compartmentId));
    await f.core.settled();
    const late = f.core.announcements.expectParcel({
      parcelId: 'cloud-p1',
      trackingBarcode: 'OFFLINE-1',
      dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 },
      weightG: 900,
      accessible: false,
      codeDigest: digestOf('424242'),
    });
    expect(late).toEqual({ ok: true, value: 'merged' });
    expect(
      f.db.prepare(`SELECT count(*) AS n FROM parcels WHERE tracking_barcode = 'OFFLINE-1'`).get(),
    ).toEqual({ n: 1 });
    expect(await f.core.deposits.start(courier, 'OFFLINE-1')).toMatchObject({
      ok: false,
      error: { reason: 'already_deposited' },
    });
    // The cloud's id still reaches it, and the announced code opens it.
    expect(f.core.announcements.extendParcel('cloud-p1', 5).ok).toBe(true);
    expect(payloads(f, 'parcel.merged')).toEqual([
      { parcelId: started.value.parcelId, cloudParcelId: 'cloud-p1', trackingBarcode: 'OFFLINE-1' },
    ]);
    expect((await f.core.pickups.withCode('424242', 'code')).ok).toBe(true);
  });

  it('merges even when the cloud first sent the same code for the local id', async () => {
    const f = await startFixture();
    const started = await f.core.deposits.start(courier, 'OFFLINE-2', 'S');
    if (!started.ok) throw new Error('no start');
    f.board.closeDoor(lockOf(f, started.value.compartmentId));
    await f.core.settled();
    expect(f.core.announcements.setParcelCode(started.value.parcelId, digestOf('515151')).ok).toBe(
      true,
    );
    const late = f.core.announcements.expectParcel({
      parcelId: 'cloud-p2',
      trackingBarcode: 'OFFLINE-2',
      dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 },
      weightG: 900,
      accessible: false,
      codeDigest: digestOf('515151'),
    });
    expect(late).toEqual({ ok: true, value: 'merged' });
  });

  it('refuses a second parcel whose code is already active here', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    expect(() => announce(f, 'p2', '123456')).toThrow(/code already in use/);
    announce(f, 'p3', '222222');
    expect(f.core.announcements.setParcelCode('p3', digestOf('123456'))).toEqual({
      ok: false,
      error: { reason: 'conflict', detail: 'code already in use at this locker' },
    });
  });

  it('settles each operation on its own: one that cannot be settled goes to inspection', async () => {
    const file = `/tmp/settle-${process.pid}-${Date.now()}.db`;
    const first = await startFixture({ file });
    announce(first, 'p1', '111111');
    announce(first, 'p2', '222222');
    const a = await deposit(first, 'p1');
    const b = await deposit(first, 'p2');
    await first.core.pickups.withCode('111111', 'code');
    await first.core.pickups.withCode('222222', 'code');
    await first.core.close();
    first.board.closeDoor(lockOf(first, a));
    first.board.closeDoor(lockOf(first, b));
    // A record the pickup cannot complete from (p1 already closed by some other path).
    first.db.prepare(`UPDATE parcels SET state = 'collected' WHERE id = 'p1'`).run();
    first.db.close();
    const again = await startFixture({ file, board: first.board, clock: first.clock });
    expect(getParcel(again.db, 'p2')?.state).toBe('picked_up');
    expect(getCompartment(again.db, a)).toMatchObject({ state: 'out_of_service' });
    expect(getCompartment(again.db, a)?.outOfServiceReason).toMatch(/^inspection/);
    expect(listDoorOperations(again.db)).toEqual([]);
  });
});

describe('separate facts, separate events', () => {
  it('reports pulse, opening and closing with the operation id, and an unexpected opening apart', async () => {
    const f = await startFixture({ clock: new FakeClock() });
    announce(f, 'p1', '123456');
    const started = await startDeposit(f, 'p1');
    const id = started.compartmentId;
    f.board.closeDoor(lockOf(f, id));
    await f.core.settled();
    const opId = started.operationId;
    for (const type of ['lock.pulsed', 'door.opened', 'door.closed'])
      expect(payloads(f, type), type).toEqual([
        expect.objectContaining({ compartmentId: id, operation: 'deposit', operationId: opId }),
      ]);
    f.board.forceOpen(lockOf(f, 'B3'));
    await f.core.settled();
    expect(payloads(f, 'door.opened_unexpectedly')).toEqual([
      { compartmentId: 'B3', state: 'available' },
    ]);
    expect(payloads(f, 'door.opened')).toHaveLength(1);
    f.board.closeDoor(lockOf(f, 'B3'));
    await f.core.settled();
    expect(payloads(f, 'door.closed_unexpectedly')).toEqual([
      { compartmentId: 'B3', state: 'available' },
    ]);
  });
});
