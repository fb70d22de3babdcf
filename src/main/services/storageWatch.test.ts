/**
 * A kiosk whose disk fills up (SQLite's own SQLITE_FULL, made real by capping the database's
 * page count and filling it): deposits are refused below the reserve with `storage_full`, an IPC
 * request that finds the disk full answers `storage_full` and changes nothing, and a door that
 * closed while nothing could be written is settled from a fresh reading once there is room,
 * with a `storage.recovered` event.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createHandlerTable } from '../ipc/handlers';
import { HardwareMonitor } from '../ipc/hardwareMonitor';
import { notConnected } from '../ipc/linkStatus';
import { Session } from '../ipc/session';
import { listDoorOperations } from '../store/doorOperations';
import { getParcel } from '../store/parcels';
import { isStorageFull } from '../store/storageFull';
import {
  announce,
  deposit,
  eventTypes,
  lockOf,
  startDeposit,
  startFixture,
  testCourier,
  type Fixture,
} from './testSupport/kioskFixture';

const untilFull = (write: () => void) => {
  try {
    for (;;) write();
  } catch (e) {
    if (!isStorageFull(e)) throw e;
  }
};

/**
 * Fills the database up to a page cap, then the event log's last page too: no event fits, so
 * every write the locker makes (each comes with its event) now fails.
 */
function fillDisk(f: Fixture): void {
  const { db } = f;
  db.exec('CREATE TABLE IF NOT EXISTS ballast (b BLOB) STRICT');
  db.pragma(`max_page_count = ${(db.pragma('page_count', { simple: true }) as number) + 8}`);
  untilFull(() => db.prepare('INSERT INTO ballast VALUES (zeroblob(512))').run());
  untilFull(() =>
    db.transaction(() => f.core.audit.append('hardware.fault', { reason: 'filling' }))(),
  );
}

function emptyDisk({ db }: Fixture): void {
  db.exec('DELETE FROM ballast');
  db.pragma('max_page_count = 1073741823');
}

function handlers(f: Fixture) {
  return createHandlerTable({
    core: f.core,
    db: f.db,
    lockerId: f.config.lockerId,
    session: new Session({ now: () => f.clock.now() }),
    link: notConnected,
    hardware: new HardwareMonitor(f.board, null),
    simulated: true,
    log: pino({ level: 'silent' }),
  });
}

describe('storage watch', () => {
  it('refuses a deposit with storage_full below the reserve, opens no door, and takes it again once there is room', async () => {
    const gauge = { free: 1_000_000_000, freeBytes: () => gauge.free };
    const f = await startFixture({ storage: gauge });
    announce(f, 'p1', '123456');
    gauge.free = f.config.policy.storageReserveMb * 1_048_576 - 1;
    const refused = await f.core.deposits.start(testCourier, 'TRKp1');
    expect(refused).toEqual({ ok: false, error: { reason: 'storage_full' } });
    expect(f.board.unlocked).toEqual([]);
    expect(eventTypes(f)).toContain('storage.low');

    gauge.free = 1_000_000_000;
    await f.core.tick();
    await f.core.settled();
    expect(eventTypes(f).at(-1)).toBe('storage.recovered');
    await deposit(f, 'p1');
    expect(getParcel(f.db, 'p1')?.state).toBe('deposited');
  });

  it('answers storage_full over IPC when the disk is full, and nothing changes', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    const compartmentId = await deposit(f, 'p1');
    fillDisk(f);
    const events = eventTypes(f).length;
    const r = await handlers(f)['pickup:code']({ code: '123456', method: 'code' });
    expect(r).toEqual({ ok: false, error: { reason: 'storage_full' } });
    expect(f.board.isOpen(lockOf(f, compartmentId))).toBe(false);
    expect(eventTypes(f).length).toBe(events);
    expect(getParcel(f.db, 'p1')?.state).toBe('deposited');
  });

  it('settles a pickup whose door opened and closed unrecorded while the disk was full, from the item sensor, not as a jam', async () => {
    const f = await startFixture({ infrared: true });
    announce(f, 'p1', '123456');
    const compartmentId = await startDeposit(f, 'p1').then(({ compartmentId }) => {
      f.board.setItem(lockOf(f, compartmentId), true);
      return compartmentId;
    });
    f.board.closeDoor(lockOf(f, compartmentId));
    await f.core.settled();
    expect(getParcel(f.db, 'p1')?.state).toBe('deposited');
    const lock = lockOf(f, compartmentId);
    f.board.jam(lock); // the latch gives a moment after the pulse, not at once
    const opened = await f.core.pickups.withCode('123456', 'code');
    expect(opened.ok).toBe(true);
    await f.core.settled();
    fillDisk(f);
    f.board.jam(lock, false);
    f.board.forceOpen(lock); // the door opens: not writable
    f.board.setItem(lock, false); // the customer took the parcel
    f.board.closeDoor(lock);
    await f.core.settled();
    expect(listDoorOperations(f.db)[0]?.phase).toBe('pulsed'); // neither fact was written

    emptyDisk(f);
    await f.core.tick();
    await f.core.settled();
    f.clock.advance(f.config.policy.doors.openDetectSec * 1000); // the jam check is due
    await f.core.tick();
    await f.core.settled();
    expect(getParcel(f.db, 'p1')?.state).toBe('picked_up');
    expect(f.core.compartments().find((c) => c.id === compartmentId)?.state).toBe('available');
  });

  it('settles a door that closed while the disk was full from a fresh reading once there is room', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    const compartmentId = await deposit(f, 'p1');
    const opened = await f.core.pickups.withCode('123456', 'code');
    expect(opened.ok).toBe(true);
    await f.core.settled();
    fillDisk(f);
    f.board.closeDoor(lockOf(f, compartmentId)); // the customer took the parcel: not writable
    await f.core.settled();
    expect(getParcel(f.db, 'p1')?.state).toBe('deposited');

    emptyDisk(f);
    await f.core.tick();
    await f.core.settled();
    expect(eventTypes(f)).toContain('storage.recovered');
    expect(getParcel(f.db, 'p1')?.state).toBe('picked_up');
    expect(f.core.compartments().find((c) => c.id === compartmentId)?.state).toBe('available');
  });
});
