import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { issueBadgeToken } from '../../shared/node/badgeToken';
import { verifyChain } from '../../shared/node/eventChain';
import { returnReference } from '../../shared/returnReference';
import { getCompartment } from '../store/compartments';
import { listEvents } from '../store/events';
import { getMeta } from '../store/meta';
import { getParcel } from '../store/parcels';
import { customer, type Actor } from './context';
import {
  announce,
  cloudKeys,
  deposit,
  deviceKeys,
  digestOf,
  eventTypes,
  lockOf,
  smallLockerConfig,
  startDeposit,
  startFixture,
  testCourier as courier,
} from './testSupport/kioskFixture';

const staff: Actor = { role: 'staff', subject: 's-2' };
describe('courier deposit', () => {
  it('reserves the smallest fitting compartment, opens it, and commits when the door closes', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    const started = await f.core.deposits.start(courier, 'TRKp1');
    expect(started.ok && started.value.size).toBe('S');
    const id = started.ok ? started.value.compartmentId : '';
    expect(getCompartment(f.db, id)?.state).toBe('reserved');
    expect(f.board.isOpen(lockOf(f, id))).toBe(true);
    await f.core.settled();
    f.board.closeDoor(lockOf(f, id));
    await f.core.settled();
    expect(getCompartment(f.db, id)?.state).toBe('occupied');
    expect(getParcel(f.db, 'p1')).toMatchObject({ state: 'deposited', compartmentId: id });
    expect(eventTypes(f)).toEqual(
      expect.arrayContaining([
        'deposit.reserved',
        'door.opened',
        'door.closed',
        'parcel.deposited',
      ]),
    );
  });

  it('moves to a larger size when the parcel does not fit, once the first door is shut and empty', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    const first = await startDeposit(f, 'p1');
    await f.core.settled();
    const opId = first.operationId;
    expect(await f.core.deposits.doesntFit(courier, opId)).toEqual({
      ok: false,
      error: { reason: 'close_door_first', compartmentId: first.compartmentId },
    });
    f.board.closeDoor(lockOf(f, first.compartmentId));
    await f.core.settled();
    // Without IR the courier's second press says the compartment is empty.
    expect(getParcel(f.db, 'p1')?.state).toBe('expected');
    const next = await f.core.deposits.doesntFit(courier, opId);
    expect(next.ok && next.value.size).toBe('M');
    expect(getCompartment(f.db, first.compartmentId)?.state).toBe('available');
  });

  it('takes a door that does not open out of service and opens another', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    for (const c of f.config.compartments) f.board.jam({ board: c.board, lock: c.lock });
    const first = await startDeposit(f, 'p1');
    // The first "didn't open" pulses the same door once more (doorDidNotOpen.test.ts).
    await f.core.deposits.doorDidNotOpen(courier, first.operationId);
    const next = await f.core.deposits.doorDidNotOpen(courier, first.operationId);
    expect(next.ok).toBe(true);
    expect(next.ok && next.value.compartmentId).not.toBe(first.compartmentId);
    expect(getCompartment(f.db, first.compartmentId)?.state).toBe('out_of_service');
    expect(eventTypes(f)).toContain('door.jammed');
  });

  it('calls a pulsed door that never opens within the detection window jammed', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    for (const c of f.config.compartments) f.board.jam({ board: c.board, lock: c.lock });
    const started = await startDeposit(f, 'p1');
    f.clock.advance(f.config.policy.doors.openDetectSec * 1000);
    await f.core.tick();
    expect(f.core.compartments().filter((c) => c.state === 'reserved')).toEqual([]);
    expect(getCompartment(f.db, started.compartmentId)?.state).toBe('out_of_service');
    expect(getParcel(f.db, 'p1')?.state).toBe('expected');
    expect(eventTypes(f)).toEqual(expect.arrayContaining(['lock.pulsed', 'door.jammed']));
  });

  it('accepts a parcel the cloud never announced when the courier picks a size', async () => {
    const f = await startFixture();
    expect(await f.core.deposits.start(courier, 'UNKNOWN1')).toEqual({
      ok: false,
      error: { reason: 'size_needed' },
    });
    const started = await f.core.deposits.start(courier, 'UNKNOWN1', 'M');
    expect(started.ok && started.value.size).toBe('M');
    if (!started.ok) return;
    f.board.closeDoor(lockOf(f, started.value.compartmentId));
    await f.core.settled();
    expect(getParcel(f.db, started.value.parcelId)).toMatchObject({
      state: 'deposited',
      announced: false,
      codeDigest: null,
    });
  });

  it('refuses customers and repeated deposits', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    expect(await f.core.deposits.start(customer, 'TRKp1')).toEqual({
      ok: false,
      error: { reason: 'not_a_courier' },
    });
    const compartmentId = await deposit(f, 'p1');
    expect(await f.core.deposits.start(courier, 'TRKp1')).toEqual({
      ok: false,
      error: { reason: 'already_deposited', compartmentId },
    });
    expect(await f.core.deposits.start(courier, 'bad barcode')).toEqual({
      ok: false,
      error: { reason: 'bad_barcode' },
    });
  });

  it('with infrared, a door closed on an empty compartment is no deposit', async () => {
    const f = await startFixture({ infrared: true });
    announce(f, 'p1', '123456');
    const started = await startDeposit(f, 'p1');
    f.board.closeDoor(lockOf(f, started.compartmentId));
    await f.core.settled();
    expect(getParcel(f.db, 'p1')?.state).toBe('expected');
    expect(getCompartment(f.db, started.compartmentId)?.state).toBe('available');
  });
});

describe('customer pickup', () => {
  it('opens the right door for the right code and records the pickup when it closes', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    const id = await deposit(f, 'p1');
    const opened = await f.core.pickups.withCode('123456', 'code');
    expect(opened).toMatchObject({ ok: true, value: { compartmentId: id, parcelId: 'p1' } });
    f.board.closeDoor(lockOf(f, id));
    await f.core.settled();
    expect(getParcel(f.db, 'p1')?.state).toBe('picked_up');
    expect(getCompartment(f.db, id)?.state).toBe('available');
    // A used code gets the same neutral answer as a wrong one.
    expect(await f.core.pickups.withCode('123456', 'code')).toEqual({
      ok: false,
      error: { reason: 'code_invalid' },
    });
  });

  it('accepts the code from a QR scan', async () => {
    const f = await startFixture();
    announce(f, 'p1', '654321');
    await deposit(f, 'p1');
    expect((await f.core.pickups.withCode('LKP1:654321', 'qr')).ok).toBe(true);
  });

  it('takes a typed or scanned code of every length the cloud may issue (6–10), whatever the policy length', async () => {
    // The cloud may change a locker's length while codes of the old length are out there.
    const config = smallLockerConfig();
    config.policy.codeLength = 8;
    const f = await startFixture({ config });
    const codes = ['123456', '2345678', '34567890', '456789012', '5678901234'];
    codes.forEach((code, i) => announce(f, `p${i}`, code));
    for (const [i, code] of codes.entries()) {
      await deposit(f, `p${i}`);
      const input = i % 2 === 0 ? code : `LKP1:${code}`;
      const opened = await f.core.pickups.withCode(input, i % 2 === 0 ? 'code' : 'qr');
      expect(opened, code).toMatchObject({ ok: true, value: { parcelId: `p${i}` } });
    }
  });

  it('rejects malformed input before any lookup: not digits, or fewer than 6 or more than 10', async () => {
    const f = await startFixture();
    for (const bad of ['', '12345', '12345678901', 'abcdef', '12 3456', '１２３４５６']) {
      expect(await f.core.pickups.withCode(bad, 'code')).toEqual({
        ok: false,
        error: { reason: 'bad_format' },
      });
    }
  });

  it('throttles on the sixth wrong code in a row, and a wrong code never invalidates the real one', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    await deposit(f, 'p1');
    for (let i = 0; i < 6; i++) {
      expect(await f.core.pickups.withCode(`00000${i}`, 'code')).toEqual({
        ok: false,
        error: { reason: 'code_invalid' },
      });
    }
    const throttled = await f.core.pickups.withCode('123456', 'code');
    expect(throttled).toEqual({ ok: false, error: { reason: 'throttled', retryAfterMs: 15_000 } });
    expect(eventTypes(f)).toContain('security.throttled');
    f.clock.advance(15_000);
    expect((await f.core.pickups.withCode('123456', 'code')).ok).toBe(true);
  });

  it('tells the customer of an expired parcel to contact support', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    await deposit(f, 'p1');
    f.clock.advance(3 * 86_400_000);
    await f.core.tick();
    expect(getParcel(f.db, 'p1')?.state).toBe('expired');
    expect(await f.core.pickups.withCode('123456', 'code')).toEqual({
      ok: false,
      error: { reason: 'parcel_expired' },
    });
  });

  it('keeps the code valid when the board gives no answer, and pulses nothing more while unknown', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    const id = await deposit(f, 'p1');
    f.board.failure = 'timeout';
    const unknown = { ok: false, error: { reason: 'door_unknown', compartmentId: id } };
    expect(await f.core.pickups.withCode('123456', 'code')).toEqual(unknown);
    expect(await f.core.pickups.withCode('123456', 'code')).toEqual(unknown);
    expect(getParcel(f.db, 'p1')?.state).toBe('deposited');
    expect(getCompartment(f.db, id)?.state).toBe('out_of_service');
    // Back, the board reads the door shut; nobody watched it, and without IR nobody can tell
    // whether the parcel was taken: it stays recorded inside, and staff look.
    f.board.failure = null;
    await f.core.settled();
    expect(getCompartment(f.db, id)).toMatchObject({ state: 'out_of_service' });
    expect(eventTypes(f)).toContain('door.inspection');
    expect((await f.core.staff.setInService(staff, id, 'parcel is inside')).ok).toBe(true);
    expect((await f.core.pickups.withCode('123456', 'code')).ok).toBe(true);
  });

  it('with infrared, a parcel left inside is not picked up', async () => {
    const f = await startFixture({ infrared: true });
    announce(f, 'p1', '123456');
    const started = await startDeposit(f, 'p1');
    const lock = lockOf(f, started.compartmentId);
    f.board.setItem(lock, true);
    f.board.closeDoor(lock);
    await f.core.settled();
    await f.core.pickups.withCode('123456', 'code');
    f.board.closeDoor(lock);
    await f.core.settled();
    expect(getParcel(f.db, 'p1')?.state).toBe('deposited');
    expect(eventTypes(f)).toContain('pickup.abandoned');
  });
});

describe('returns, collection and staff', () => {
  it('takes a return into a compartment of its size and lets a courier collect it', async () => {
    const f = await startFixture();
    f.core.announcements.expectReturn({
      returnId: 'r1',
      size: 'M',
      codeDigest: digestOf('777777'),
    });
    const opened = await f.core.returns.withCode('777777', 'code');
    expect(opened.ok && opened.value.size).toBe('M');
    if (!opened.ok) return;
    f.board.closeDoor(lockOf(f, opened.value.compartmentId));
    await f.core.settled();
    const reference = returnReference('r1');
    expect(opened.value.reference).toBe(reference);
    expect(f.core.collection.list()).toEqual([
      { compartmentId: opened.value.compartmentId, kind: 'return', barcode: 'r1', reference },
    ]);
    expect((await f.core.collection.open(courier, opened.value.compartmentId)).ok).toBe(true);
    expect(f.core.collection.scanOut(courier, 'wrong')).toEqual({
      ok: false,
      error: { reason: 'not_in_an_open_compartment' },
    });
    // The short reference from the receipt collects it as well as the long id.
    expect(f.core.collection.scanOut(courier, reference.toLowerCase())).toMatchObject({
      ok: true,
      value: { barcode: 'r1', reference },
    });
    expect(getCompartment(f.db, opened.value.compartmentId)?.state).toBe('available');
  });

  it('opens every compartment with an expired parcel for staff, who scan each one out', async () => {
    const f = await startFixture();
    announce(f, 'p1', '111111');
    announce(f, 'p2', '222222');
    await deposit(f, 'p1');
    await deposit(f, 'p2');
    f.clock.advance(4 * 86_400_000);
    await f.core.tick();
    expect(await f.core.staff.openAllExpired(courier)).toEqual({
      ok: false,
      error: { reason: 'not_staff' },
    });
    const opened = await f.core.staff.openAllExpired(staff);
    expect(opened.ok && opened.value.opened.length).toBe(2);
    expect(f.core.collection.scanOut(staff, 'TRKp1').ok).toBe(true);
    expect(getParcel(f.db, 'p1')?.state).toBe('collected');
  });

  it('requires a reason for every staff action and audits it', async () => {
    const f = await startFixture();
    expect(await f.core.staff.openDoor(staff, 'A1', '')).toEqual({
      ok: false,
      error: { reason: 'reason_required' },
    });
    expect(await f.core.staff.openDoor(courier, 'A1', 'cleaning')).toEqual({
      ok: false,
      error: { reason: 'not_staff' },
    });
    expect(await f.core.staff.openDoor(staff, 'A1', 'cleaning')).toEqual({
      ok: true,
      value: undefined,
    });
    expect(f.core.staff.setOutOfService(staff, 'A2', 'broken hinge').ok).toBe(true);
    expect(getCompartment(f.db, 'A2')?.state).toBe('out_of_service');
    expect(eventTypes(f)).toEqual(
      expect.arrayContaining(['staff.door_opened', 'compartment.out_of_service']),
    );
  });
});

describe('badges', () => {
  const token = (
    claims: Partial<{ role: 'courier' | 'staff'; exp: string; lockers: string[]; id: string }> = {},
  ) =>
    issueBadgeToken(
      {
        id: claims.id ?? 'b1',
        role: claims.role ?? 'courier',
        sub: 'c-17',
        iat: '2026-11-01T00:00:00.000Z',
        exp: claims.exp ?? '2027-01-01T00:00:00.000Z',
        ...(claims.lockers ? { lockers: claims.lockers } : {}),
      },
      cloudKeys.privateKey,
    );

  it('logs in a courier with a valid badge and refuses forged, expired, foreign and revoked ones', async () => {
    const f = await startFixture();
    expect(f.core.credentials.login(token())).toMatchObject({
      ok: true,
      value: { role: 'courier', subject: 'c-17' },
    });
    expect(f.core.credentials.login(token({ exp: '2026-11-01T00:00:00.000Z' }))).toEqual({
      ok: false,
      error: 'expired',
    });
    expect(f.core.credentials.login(token({ lockers: ['elsewhere'] }))).toEqual({
      ok: false,
      error: 'not_for_this_locker',
    });
    const forged = token().slice(0, -4) + 'AAAA';
    expect(f.core.credentials.login(forged).ok).toBe(false);
    expect(f.core.credentials.login('hello')).toEqual({ ok: false, error: 'not_a_badge' });
    f.core.credentials.revoke('b1');
    expect(f.core.credentials.login(token())).toEqual({ ok: false, error: 'revoked' });
  });

  it('a clock stepped back does not revive a badge that has expired at this locker', async () => {
    const f = await startFixture();
    const shortLived = token({ id: 'b2', exp: '2026-11-22T11:00:00.000Z' });
    expect(f.core.credentials.login(shortLived).ok).toBe(true);
    f.clock.advance(2 * 3_600_000); // 12:00: expired, and the locker has recorded that hour
    expect(f.core.credentials.login(shortLived)).toEqual({ ok: false, error: 'expired' });
    f.clock.advance(-3 * 3_600_000); // NTP (or someone) steps the clock back to 09:00
    expect(f.core.credentials.login(shortLived)).toEqual({ ok: false, error: 'expired' });
  });
});

describe('audit log', () => {
  it('signs every event into one gap-free chain', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    await deposit(f, 'p1');
    await f.core.pickups.withCode('123456', 'code');
    const events = listEvents(f.db).map((e) => ({
      ...JSON.parse(e.body),
      hash: e.hash,
      sig: e.sig,
    }));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(verifyChain(events, deviceKeys.publicKey)).toMatchObject({
      ok: true,
      lastSeq: events.length,
    });
  });
});

describe('start-up reconciliation', () => {
  const tempDb = () => join(mkdtempSync(join(tmpdir(), 'kiosk-')), 'kiosk.db');

  it('finishes a pickup whose door opened and closed while the kiosk was down', async () => {
    const file = tempDb();
    const first = await startFixture({ file });
    announce(first, 'p1', '123456');
    const id = await deposit(first, 'p1');
    await first.core.pickups.withCode('123456', 'code');
    await first.core.settled();
    await first.core.close(); // the process dies with the door open…
    first.board.closeDoor(lockOf(first, id)); // …the customer closes it while it is down
    first.db.close();
    const again = await startFixture({ file, board: first.board, clock: first.clock });
    expect(getParcel(again.db, 'p1')?.state).toBe('picked_up');
    expect(getCompartment(again.db, id)?.state).toBe('available');
    expect(eventTypes(again)).toContain('reconcile.resolved');
  });

  it('sends a pickup whose door nobody watched to inspection, keeping its parcel and code', async () => {
    const file = tempDb();
    const first = await startFixture({ file });
    announce(first, 'p1', '123456');
    const id = await deposit(first, 'p1');
    // pickup.authorized is durable, then the process dies: the pulse may or may not have gone.
    first.db.transaction(() => {
      first.core.doors.record('pickup', id, { parcelId: 'p1', actor: 'customer:customer' });
      first.core.audit.append('pickup.authorized', {
        parcelId: 'p1',
        compartmentId: id,
        method: 'code',
      });
    })();
    await first.core.close();
    first.db.close();
    const again = await startFixture({ file, board: first.board, clock: first.clock });
    expect(getParcel(again.db, 'p1')?.state).toBe('deposited');
    expect(getCompartment(again.db, id)?.state).toBe('out_of_service');
    expect(getCompartment(again.db, id)?.outOfServiceReason).toMatch(/^inspection/);
  });

  it('with IR, decides a pickup nobody watched by what the sensor sees', async () => {
    const file = tempDb();
    const first = await startFixture({ file, infrared: true });
    announce(first, 'p1', '123456');
    const started = await startDeposit(first, 'p1');
    const id = started.compartmentId;
    first.board.setItem(lockOf(first, id), true);
    first.board.closeDoor(lockOf(first, id));
    await first.core.settled();
    first.db.transaction(() =>
      first.core.doors.record('pickup', id, { parcelId: 'p1', actor: 'customer:customer' }),
    )();
    await first.core.close();
    first.db.close();
    const again = await startFixture({ file, board: first.board, clock: first.clock });
    expect(getParcel(again.db, 'p1')?.state).toBe('deposited');
    expect(getCompartment(again.db, id)?.state).toBe('occupied');
    expect((await again.core.pickups.withCode('123456', 'code')).ok).toBe(true);
  });

  it('resumes a deposit whose door is still open after the restart', async () => {
    const file = tempDb();
    const first = await startFixture({ file });
    announce(first, 'p1', '123456');
    const started = await startDeposit(first, 'p1');
    await first.core.settled();
    await first.core.close();
    first.db.close();
    const again = await startFixture({ file, board: first.board, clock: first.clock });
    expect(getCompartment(again.db, started.compartmentId)?.state).toBe('reserved');
    again.board.closeDoor(lockOf(again, started.compartmentId));
    await again.core.settled();
    expect(getParcel(again.db, 'p1')?.state).toBe('deposited');
  });

  it('settles what it could not read at start once the board comes back', async () => {
    const file = tempDb();
    const first = await startFixture({ file });
    announce(first, 'p1', '123456');
    const id = await deposit(first, 'p1');
    await first.core.pickups.withCode('123456', 'code');
    await first.core.settled();
    await first.core.close();
    first.board.closeDoor(lockOf(first, id));
    first.db.close();
    first.board.failure = 'disconnected'; // the bus is down while the kiosk restarts
    const again = await startFixture({ file, board: first.board, clock: first.clock });
    expect(getParcel(again.db, 'p1')?.state).toBe('deposited');
    expect(getCompartment(again.db, id)?.doorOpen).toBeNull();
    again.board.failure = null;
    await again.core.settled();
    expect(getParcel(again.db, 'p1')?.state).toBe('picked_up');
    expect(eventTypes(again)).toEqual(
      expect.arrayContaining(['hardware.recovered', 'reconcile.resolved']),
    );
  });

  it('takes a compartment out for inspection when a deposit outcome cannot be known', async () => {
    const file = tempDb();
    const first = await startFixture({ file });
    announce(first, 'p1', '123456');
    // The kiosk never hears the door open (here: it stays shut) and then dies. Without IR
    // nobody can tell from the board whether a parcel went in.
    for (const c of first.config.compartments) first.board.jam({ board: c.board, lock: c.lock });
    const started = await startDeposit(first, 'p1');
    await first.core.close();
    first.db.close();
    const again = await startFixture({ file, board: first.board, clock: first.clock });
    expect(getCompartment(again.db, started.compartmentId)).toMatchObject({
      state: 'out_of_service',
    });
    expect(getParcel(again.db, 'p1')?.state).toBe('expected');
  });
});

describe('time parcels expire by', () => {
  it('a forward jump of the clock does not expire parcels until the cloud confirms the time', async () => {
    const config = smallLockerConfig({
      policy: { ...smallLockerConfig().policy, maxClockStepSec: 3600 },
    });
    const f = await startFixture({ config });
    announce(f, 'p1', '123456');
    await deposit(f, 'p1');
    f.clock.advance(4 * 86_400_000); // one tick to the next: four days (a bad RTC, spoofed NTP)
    await f.core.tick();
    expect(getParcel(f.db, 'p1')?.state).toBe('deposited');
    // The cloud's signed time says one day has passed: nothing is due yet.
    f.core.confirmTime(f.clock.now() - 3 * 86_400_000);
    await f.core.tick();
    expect(getParcel(f.db, 'p1')?.state).toBe('deposited');
    // It agrees with the clock: the days were real, and the parcel expires.
    f.core.confirmTime(f.clock.now());
    await f.core.tick();
    expect(getParcel(f.db, 'p1')?.state).toBe('expired');
  });

  it("writes the cloud's time when the hold changes or a minute of it has passed, not per command", async () => {
    const f = await startFixture();
    const stored = () =>
      JSON.parse(getMeta(f.db, 'trusted_time') ?? 'null') as { cloud: number } | null;
    const writes = () => (f.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    f.core.confirmTime(f.clock.now());
    const first = stored()?.cloud;
    expect(first).toBe(f.clock.now());
    const before = writes();
    // A command every second for 59 s: each brings a newer cloud time, none is worth a commit.
    for (let i = 0; i < 59; i++) {
      f.clock.advance(1_000);
      f.core.confirmTime(f.clock.now());
    }
    expect(writes()).toBe(before);
    expect(stored()?.cloud).toBe(first);
    f.clock.advance(1_000);
    f.core.confirmTime(f.clock.now());
    expect(stored()?.cloud).toBe(f.clock.now());
  });
});
