/**
 * The kiosk of the flush benchmark, as a process of its own: KioskCore on a real SQLite file
 * (WAL, synchronous=FULL), a memory lock board, a file identity and the real clock, with its
 * CloudLink. With BACKLOG_EVENTS it first builds an offline backlog of real operations (the
 * cloud announces a parcel, a courier deposits it, the customer picks it up: doors open and
 * close), prints `BACKLOG <head>` and waits for a line on stdin before it connects; without, it
 * connects at once (a restart). Prints `ONLINE` once the link is up, and `LINK <state> <epoch ms>
 * <last error code or ->` at every change of the link's connection state after that; on SIGTERM, `LOOP <json>`:
 * how long the event loop was held while connected (p50, p99, max ms), the wait a door that
 * must open would have had. Configured by environment:
 * DB_FILE, IDENTITY_FILE, BROKER_URL, LOCKER_ID, CLOUD_PUBLIC_KEY, BACKLOG_EVENTS, RATE, and
 * LINK_TUNING (JSON, part of the link's tuning: keep-alive, backoff; the drills shorten them).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import pino from 'pino';
import { codeDigest } from '../../src/shared/node/codeDigest';
import { publicKeyFromRaw } from '../../src/shared/node/ed25519';
import { CloudLink, type LinkTuning } from '../../src/main/cloud/cloudLink';
import { MemoryLockBoard } from '../../src/main/core/memoryLockBoard';
import { FileIdentityStore } from '../../src/main/identity/fileIdentityStore';
import type { Actor } from '../../src/main/services/context';
import { KioskCore } from '../../src/main/services/kioskCore';
import { smallLockerConfig } from '../../src/main/services/testSupport/kioskFixture';
import { openDatabase } from '../../src/main/store/database';
import { chainHead } from '../../src/main/store/events';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const config = smallLockerConfig({ lockerId: env('LOCKER_ID') });
const db = openDatabase(env('DB_FILE'));
const log = pino({ level: process.env['LINK_LOG'] ?? 'silent' }, pino.destination(2));
const clock = { now: () => Date.now() };
const identity = FileIdentityStore.open(env('IDENTITY_FILE'));
const board = new MemoryLockBoard(config.compartments, { infrared: false });
const cloudPublicKey = publicKeyFromRaw(env('CLOUD_PUBLIC_KEY'));
const core = await KioskCore.start({ config, db, board, identity, clock, log, cloudPublicKey });

const courier: Actor = { role: 'courier', subject: 'bench-courier' };
const codeKey = identity.codeDigestKey();
const head = () => chainHead(db)?.seq ?? 0;

function shut(compartmentId: string): void {
  const c = config.compartments.find((x) => x.id === compartmentId)!;
  board.closeDoor({ board: c.board, lock: c.lock });
}

/** One parcel's life at the locker, as the kiosk records it: announced, deposited, picked up. */
async function depositAndPickUp(n: number): Promise<void> {
  const parcelId = `bench-${process.pid}-${n}`;
  const code = String(100_000 + (n % 900_000));
  const announced = core.announcements.expectParcel({
    parcelId,
    trackingBarcode: `TRK${parcelId}`,
    dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 },
    weightG: 1000,
    codeDigest: codeDigest(codeKey, code),
  });
  if (!announced.ok) throw new Error(`announcement refused: ${JSON.stringify(announced.error)}`);
  const started = await core.deposits.start(courier, `TRK${parcelId}`);
  if (!started.ok) throw new Error(`deposit refused: ${JSON.stringify(started.error)}`);
  await core.settled();
  shut(started.value.compartmentId);
  await core.settled();
  const opened = await core.pickups.withCode(code, 'code');
  if (!opened.ok) throw new Error(`pickup refused: ${JSON.stringify(opened.error)}`);
  shut(opened.value.compartmentId);
  await core.settled();
}

const target = Number(process.env['BACKLOG_EVENTS'] ?? 0);
if (target > 0) {
  for (let n = 0; head() < target; n++) await depositAndPickUp(n);
  process.stdout.write(`BACKLOG ${head()}\n`);
  await new Promise<void>((resolve) =>
    createInterface({ input: process.stdin }).once('line', () => resolve()),
  );
}

const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
const link = CloudLink.start({
  lockerId: config.lockerId,
  brokerUrl: env('BROKER_URL'),
  topicPrefix: 'locker/v1',
  db,
  core,
  policy: config.policy,
  cloudPublicKey,
  log,
  clock,
  publishesPerSecond: Number(process.env['RATE'] ?? config.cloud.publishesPerSecond),
  tuning: JSON.parse(process.env['LINK_TUNING'] ?? '{}') as Partial<LinkTuning>,
});
let connection: string | null = null;
link.onStatus((s) => {
  if (s.connection === connection) return;
  if (connection === null && s.connection !== 'online') return;
  if (connection === null) process.stdout.write('ONLINE\n');
  connection = s.connection;
  const at = (performance.timeOrigin + performance.now()).toFixed(1);
  process.stdout.write(`LINK ${s.connection} ${at} ${s.lastError?.code ?? '-'}\n`);
});
process.once('SIGTERM', () => {
  loop.disable();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  const held = { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) };
  process.stdout.write(`LOOP ${JSON.stringify(held)}\n`);
  void link
    .close()
    .then(() => core.close())
    .then(() => process.exit(0));
});
