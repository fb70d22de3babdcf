/**
 * "Door didn't open", said by a courier or a customer, through the real KioskCore on a real
 * SQLite file: one reopen of the same door (audited), then a jam shown as a fault, and never
 * compartment after compartment taken out of service behind it (issue 11).
 */
import { describe, expect, it } from 'vitest';
import { MAX_JAMMED_DOORS } from '../core/doorRecovery';
import { getCompartment } from '../store/compartments';
import { getDoorOperation } from '../store/doorOperations';
import { listEvents } from '../store/events';
import { getParcel } from '../store/parcels';
import type { Actor } from './context';
import {
  announce,
  deposit,
  digestOf,
  lockOf,
  startDeposit,
  startFixture,
  testCourier as courier,
  type Fixture,
} from './testSupport/kioskFixture';

const staff: Actor = { role: 'staff', subject: 's-1' };

const jamEverything = (f: Fixture) =>
  f.config.compartments.forEach((c) => f.board.jam({ board: c.board, lock: c.lock }));

/** The payloads of every lock.pulsed event, in order. */
const pulses = (f: Fixture) =>
  listEvents(f.db)
    .filter((e) => e.type === 'lock.pulsed')
    .map((e) => (JSON.parse(e.body) as { payload: Record<string, unknown> }).payload);

const outOfService = (f: Fixture) =>
  f.core
    .compartments()
    .filter((c) => c.state === 'out_of_service')
    .map((c) => c.id);

describe('a courier\'s "door didn\'t open"', () => {
  it('first pulses the same door once more, audited, and takes nothing out of service', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    jamEverything(f);
    const first = await startDeposit(f, 'p1');
    const said = await f.core.deposits.doorDidNotOpen(courier, first.operationId);
    expect(said).toEqual({ ok: true, value: first });
    expect(outOfService(f)).toEqual([]);
    expect(pulses(f).at(-1)).toMatchObject({
      compartmentId: first.compartmentId,
      operationId: first.operationId,
      reopenedBy: 'courier:c-17',
    });
    expect(getDoorOperation(f.db, first.operationId)?.reopens).toBe(1);
  });

  it('after the reopen, calls the door jammed and opens one other door of the same size', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    jamEverything(f);
    const first = await startDeposit(f, 'p1');
    await f.core.deposits.doorDidNotOpen(courier, first.operationId);
    const next = await f.core.deposits.doorDidNotOpen(courier, first.operationId);
    if (!next.ok) throw new Error(JSON.stringify(next.error));
    expect(next.value.compartmentId).not.toBe(first.compartmentId);
    expect(next.value.size).toBe(first.size);
    expect(outOfService(f)).toEqual([first.compartmentId]);
    const jam = listEvents(f.db).find((e) => e.type === 'door.jammed');
    expect(JSON.parse(jam!.body).payload).toMatchObject({ evidence: 'reported_by_courier' });
  });

  it(`stops after ${MAX_JAMMED_DOORS} jammed doors: the locker has a fault, no third compartment is taken`, async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    jamEverything(f);
    const first = await startDeposit(f, 'p1');
    await f.core.deposits.doorDidNotOpen(courier, first.operationId);
    const second = await f.core.deposits.doorDidNotOpen(courier, first.operationId);
    if (!second.ok) throw new Error(JSON.stringify(second.error));
    await f.core.deposits.doorDidNotOpen(courier, second.value.operationId);
    const third = await f.core.deposits.doorDidNotOpen(courier, second.value.operationId);
    expect(third).toEqual({
      ok: false,
      error: { reason: 'door_failed', tried: [second.value.compartmentId] },
    });
    expect(outOfService(f).sort()).toEqual(
      [first.compartmentId, second.value.compartmentId].sort(),
    );
    // Scanning the parcel again opens nothing either.
    const pulsed = f.board.unlocked.length;
    expect(await f.core.deposits.start(courier, 'TRKp1')).toEqual({
      ok: false,
      error: { reason: 'door_failed', tried: [] },
    });
    expect(f.board.unlocked.length).toBe(pulsed);
    expect(getParcel(f.db, 'p1')?.state).toBe('expected');
  });

  it('counts jams the detection window finds too', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    jamEverything(f);
    for (let i = 0; i < MAX_JAMMED_DOORS; i++) {
      await startDeposit(f, 'p1');
      f.clock.advance(f.config.policy.doors.openDetectSec * 1000);
      await f.core.tick();
    }
    expect(outOfService(f)).toHaveLength(MAX_JAMMED_DOORS);
    expect(await f.core.deposits.start(courier, 'TRKp1')).toMatchObject({
      ok: false,
      error: { reason: 'door_failed' },
    });
    expect(outOfService(f)).toHaveLength(MAX_JAMMED_DOORS);
  });
});

describe('a customer\'s "door didn\'t open" at pickup', () => {
  async function jammedPickup() {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    const id = await deposit(f, 'p1');
    f.board.jam(lockOf(f, id));
    const opened = await f.core.pickups.withCode('123456', 'code');
    if (!opened.ok) throw new Error(JSON.stringify(opened.error));
    return { f, id, opened: opened.value };
  }

  it('reopens the same door once, then reports a jam; the code still works once repaired', async () => {
    const { f, id, opened } = await jammedPickup();
    expect(await f.core.pickups.doorDidNotOpen(opened.operationId, 'p1')).toEqual({
      ok: true,
      value: opened,
    });
    expect(pulses(f).at(-1)).toMatchObject({ compartmentId: id, reopenedBy: 'customer:customer' });
    expect(await f.core.pickups.doorDidNotOpen(opened.operationId, 'p1')).toEqual({
      ok: false,
      error: { reason: 'door_failed' },
    });
    expect(getCompartment(f.db, id)?.state).toBe('out_of_service');
    expect(getParcel(f.db, 'p1')?.state).toBe('deposited');
    // Staff fix the latch and put the compartment back: the same code opens it.
    f.board.jam(lockOf(f, id), false);
    expect(f.core.staff.setInService(staff, id, 'latch replaced').ok).toBe(true);
    expect(await f.core.pickups.withCode('123456', 'code')).toMatchObject({
      ok: true,
      value: { compartmentId: id },
    });
  });

  it("is only for the screen that opened the pickup: another parcel's id opens nothing", async () => {
    const { f, opened } = await jammedPickup();
    const pulsed = f.board.unlocked.length;
    expect(await f.core.pickups.doorDidNotOpen(opened.operationId, 'p2')).toEqual({
      ok: false,
      error: { reason: 'no_such_pickup' },
    });
    expect(f.board.unlocked.length).toBe(pulsed);
  });

  it('believes a door that reads open, and pulses nothing', async () => {
    const { f, id, opened } = await jammedPickup();
    f.board.forceOpen(lockOf(f, id));
    const pulsed = f.board.unlocked.length;
    expect(await f.core.pickups.doorDidNotOpen(opened.operationId, 'p1')).toEqual({
      ok: false,
      error: { reason: 'door_was_open', compartmentId: id },
    });
    expect(getDoorOperation(f.db, opened.operationId)?.phase).toBe('opened');
    expect(f.board.unlocked.length).toBe(pulsed);
  });
});

describe('a customer\'s "door didn\'t open" at a return', () => {
  it('reopens the same door once, then moves the return to one other door', async () => {
    const f = await startFixture();
    f.core.announcements.expectReturn({
      returnId: 'r1',
      size: 'S',
      codeDigest: digestOf('777777'),
    });
    jamEverything(f);
    const opened = await f.core.returns.withCode('777777', 'code');
    if (!opened.ok) throw new Error(JSON.stringify(opened.error));
    const { operationId, compartmentId } = opened.value;
    expect(await f.core.returns.doorDidNotOpen(operationId, 'r1')).toEqual(opened);
    const moved = await f.core.returns.doorDidNotOpen(operationId, 'r1');
    expect(moved.ok && moved.value.compartmentId).not.toBe(compartmentId);
    expect(outOfService(f)).toEqual([compartmentId]);
    expect(await f.core.returns.doorDidNotOpen(operationId, 'r2')).toEqual({
      ok: false,
      error: { reason: 'no_such_return_deposit' },
    });
  });
});
