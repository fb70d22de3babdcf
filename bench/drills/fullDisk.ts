/**
 * Full-disk drill: a whole kiosk (startKiosk, the real serial driver on a pty to lock boards in
 * their own process, the IPC handler table) keeps its data on a small tmpfs that a ballast file
 * fills. First the free space drops below the kiosk's storage reserve, then to nothing, then it
 * comes back; last, a kiosk is started on the full disk. What must hold:
 *  - no corruption: `sqlite3 kiosk.db 'PRAGMA integrity_check'` says ok at every stage;
 *  - no door opens without a record: at every lock, the unlock frames the boards read are no
 *    more than the door operations recorded for it (deposit.reserved, pickup.authorized);
 *  - deposits are refused with the reason `storage_full` (the screen's sentence) once the free
 *    space is below the reserve, and while the disk is full;
 *  - pickups of parcels already recorded keep working below the reserve; on a full disk each
 *    either works or is refused with `storage_full`, never anything else;
 *  - when the space returns, a `storage.recovered` event is recorded and deposits work again;
 *  - a kiosk started on a full disk exits with EXIT_STORAGE_FULL and a message naming the disk.
 * Needs root (mount); without it the drill says so and reports `skipped`, verifying nothing.
 *
 *   npm run drill -- full-disk [--disk-mb 24] [--parcels 12] [--reserve-mb 4]
 *   (full: --full, 100 parcels on a 64 MB disk with an 8 MB reserve)
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { EXIT_STORAGE_FULL } from '../../src/main/startupFailure';
import { listDoorOperations } from '../../src/main/store/doorOperations';
import { UnlockStand } from '../benchSupport/unlockStand';
import { courierLogin } from './drillSupport/courierLogin';
import { mountSmallDisk } from './drillSupport/smallDisk';
import { Verdict } from './drillSupport/verdict';

const { values } = parseArgs({
  options: {
    'disk-mb': { type: 'string' },
    parcels: { type: 'string' },
    'reserve-mb': { type: 'string' },
    full: { type: 'boolean', default: false },
  },
});
const diskMb = Number(values['disk-mb'] ?? (values.full ? 64 : 24));
const parcels = Number(values.parcels ?? (values.full ? 100 : 12));
const reserveMb = Number(values['reserve-mb'] ?? (values.full ? 8 : 4));
const here = new URL('.', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const disk = mountSmallDisk(diskMb);
if (typeof disk === 'string') {
  console.log(`full-disk: SKIPPED, nothing verified: ${disk}`);
  console.log(JSON.stringify({ skipped: disk, cores: availableParallelism() }));
  process.exit(0);
}

const verdict = new Verdict();
const check = (ok: boolean, what: string) => verdict.check(ok, what);
const dataDir = join(disk.dir, 'kiosk');
const dbFile = join(dataDir, 'kiosk.db');
const integrity = () =>
  spawnSync('sqlite3', [dbFile, 'PRAGMA integrity_check'], { encoding: 'utf8' }).stdout.trim();
const figures: Record<string, unknown> = {};

try {
  const stand = await UnlockStand.start({
    scenario: 'idle',
    compartments: parcels + 4,
    dataDir,
    swapAfterMs: 400,
    policy: { storageReserveMb: reserveMb },
  });
  const { ipc, kiosk, config } = stand;
  let closed = false;
  try {
    await courierLogin(ipc, stand.cloudPrivateKey);
    let n = 0;
    const deposit = () => ipc.handlers['deposit:start']({ barcode: `FULL${++n}XYZ`, size: 'M' });

    const recorded = await stand.fill(parcels);
    const waiting = [...recorded];
    const pickUp = async () => {
      const p = waiting.shift()!;
      const r = await ipc.handlers['pickup:code']({ code: p.code, method: 'code' });
      if (!r.ok) waiting.push(p);
      return r;
    };
    check(integrity() === 'ok', 'integrity ok with room to spare');

    // Below the reserve: deposits refused, pickups go on.
    disk.fillTo((reserveMb * 1_048_576) / 2);
    figures.freeBelowReserve = disk.freeBytes();
    const low = await deposit();
    check(
      !low.ok && low.error.reason === 'storage_full',
      `below the reserve a deposit is refused with storage_full (${JSON.stringify(low)})`,
    );
    // A quarter of them (at least two); the last ones still open when the disk fills up.
    const lowPickups = [];
    for (let i = 0; i < Math.max(2, Math.floor(parcels / 4)); i++) lowPickups.push(await pickUp());
    check(
      lowPickups.every((r) => r.ok),
      `below the reserve pickups work (${JSON.stringify(lowPickups.map((r) => r.ok || r.error))})`,
    );
    check(integrity() === 'ok', 'integrity ok below the reserve');

    // Full, while those two doors are still open: their closing cannot be written.
    disk.fillTo(0);
    figures.pickupsBelowReserve = lowPickups.length;
    figures.freeWhenFull = disk.freeBytes();
    const full = await deposit();
    check(
      !full.ok && full.error.reason === 'storage_full',
      `on a full disk a deposit is refused with storage_full (${JSON.stringify(full)})`,
    );
    const fullPickups = [];
    for (let i = 0; i < Math.min(3, waiting.length); i++) fullPickups.push(await pickUp());
    const unclear = fullPickups.filter((r) => !r.ok && r.error.reason !== 'storage_full');
    check(
      unclear.length === 0,
      `on a full disk each pickup works or says storage_full (${JSON.stringify(fullPickups.map((r) => r.ok || r.error))})`,
    );
    figures.pickupsOnFullDisk = {
      worked: fullPickups.filter((r) => r.ok).length,
      refused: fullPickups.length - fullPickups.filter((r) => r.ok).length,
    };
    await sleep(300);
    await kiosk.core.settled();
    check(integrity() === 'ok', 'integrity ok on a full disk');

    // Space returns: the alert is recorded, deposits work again.
    disk.emptyBallast();
    await kiosk.core.tick();
    await kiosk.core.settled();
    const recoveredEvents = kiosk.db
      .prepare(`SELECT count(*) AS n FROM events WHERE type = 'storage.recovered'`)
      .get() as { n: number };
    check(
      recoveredEvents.n === 1,
      `a storage.recovered event once the space returns (${recoveredEvents.n})`,
    );
    const again = await deposit();
    check(again.ok, `deposits work again (${JSON.stringify(again)})`);
    const after = [];
    while (waiting.length > 0) after.push(await pickUp());
    check(
      after.every((r) => r.ok),
      `the pickups refused meanwhile work now (${after.length})`,
    );
    // Every door facts were lost for while the disk was full is settled from a fresh reading.
    const deadline = Date.now() + 10_000;
    while (listDoorOperations(kiosk.db).length > 0 && Date.now() < deadline) await sleep(100);
    const pending = listDoorOperations(kiosk.db).map(
      (op) => `${op.compartmentId}:${op.kind}:${op.phase}`,
    );
    const outOfService = kiosk.core
      .compartments()
      .filter((c) => c.state === 'out_of_service')
      .map((c) => c.id);
    check(
      pending.length === 0 && outOfService.length === 0,
      `every door operation settled, none out of service (pending ${pending.join(', ') || 'none'}; out of service ${outOfService.join(', ') || 'none'})`,
    );
    const left = kiosk.db
      .prepare(`SELECT count(*) AS n FROM parcels WHERE state = 'deposited'`)
      .get() as { n: number };
    check(
      left.n === 1,
      `only the parcel deposited after the recovery is still in the locker (${left.n})`,
    );
    check(integrity() === 'ok', 'integrity ok after the space returned');

    await stand.close();
    closed = true;

    // No door opened without a record: frames heard at each lock vs operations recorded.
    const db = new Database(dbFile, { readonly: true });
    const ops = db
      .prepare(
        `SELECT json_extract(body, '$.payload.compartmentId') AS c, count(*) AS n FROM events
         WHERE type IN ('deposit.reserved', 'pickup.authorized', 'return.reserved', 'staff.door_opened')
         GROUP BY c`,
      )
      .all() as { c: string; n: number }[];
    db.close();
    const recordedAt = new Map(ops.map((o) => [o.c, o.n]));
    let framesHeard = 0;
    const unrecorded: string[] = [];
    for (const c of config.compartments) {
      const heard = stand.witness.unlocksByLock.get(`${c.board}/${c.lock}`) ?? 0;
      framesHeard += heard;
      if (heard > (recordedAt.get(c.id) ?? 0))
        unrecorded.push(`${c.id}: ${heard} frames, ${recordedAt.get(c.id) ?? 0} recorded`);
    }
    figures.unlockFramesHeard = framesHeard;
    check(
      unrecorded.length === 0,
      `no door opened without a record (${unrecorded.join('; ') || `${framesHeard} frames, each recorded`})`,
    );

    // Start-up on a full disk.
    disk.fillTo(0);
    const configFile = join(here, `.full-disk-${process.pid}.json`);
    writeFileSync(configFile, JSON.stringify({ ...config, serial: { kind: 'simulator' } }));
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(here, 'drillSupport/kioskStartChild.ts'), configFile],
      { encoding: 'utf8' },
    );
    spawnSync('rm', ['-f', configFile]);
    const said = child.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('kiosk:'))
      .join(' ');
    figures.startOnFullDisk = { exitCode: child.status, signal: child.signal, message: said };
    check(
      child.status === EXIT_STORAGE_FULL && /full/.test(said) && said.includes(disk.dir),
      `start-up on a full disk exits ${EXIT_STORAGE_FULL} and says why (exit ${child.status ?? child.signal}: ${said || child.stderr.slice(-300)})`,
    );
    disk.emptyBallast();
    check(integrity() === 'ok', 'integrity ok after the start-up attempt');
  } finally {
    if (!closed) await stand.close().catch(() => undefined);
  }
} catch (e) {
  verdict.broke(e);
} finally {
  disk.unmount();
}

verdict.finish({
  diskMb,
  reserveMb,
  parcels,
  ...figures,
});
