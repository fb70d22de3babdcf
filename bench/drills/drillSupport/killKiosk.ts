/**
 * The kill drill's kiosk, a process of its own that the drill SIGKILLs at random instants:
 * KioskCore on a real SQLite file, the real serial driver on a pty to the lock boards' process,
 * the real clock, and its CloudLink to a real broker and cloud. It works on its own, at random:
 * couriers deposit the parcels the cloud announced (and some it did not), customers pick up with
 * the codes the cloud sent them and drop the returns they booked, couriers collect returns. The
 * codes come from the cloud's notification inbox (the customers' phones), read from its file.
 *
 * Prints `START <head seq>` once started (reconciliation done), `SEQ <head>` after each step,
 * `ERROR <text>` when a step threw or the core logged an error. `quiet` on stdin stops the work
 * (the link keeps delivering); SIGTERM closes link and core in order. Configured by environment:
 * DB_FILE, IDENTITY_FILE, BROKER_URL, LOCKER_ID, CLOUD_PUBLIC_KEY, BUS_PATH, CLOUD_DATA_DIR, RATE.
 */
import { createInterface } from 'node:readline';
import pino from 'pino';
import { SerialLockBoard } from '../../../hardware/lockboard/serialLockBoard';
import { publicKeyFromRaw } from '../../../src/shared/node/ed25519';
import { CloudLink } from '../../../src/main/cloud/cloudLink';
import { FileIdentityStore } from '../../../src/main/identity/fileIdentityStore';
import type { Actor } from '../../../src/main/services/context';
import { KioskCore } from '../../../src/main/services/kioskCore';
import {
  quickDoorPolicy,
  smallLockerConfig,
} from '../../../src/main/services/testSupport/kioskFixture';
import { openDatabase } from '../../../src/main/store/database';
import { chainHead } from '../../../src/main/store/events';
import { readSentCodes } from './cloudLedger';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const say = (line: string) => process.stdout.write(`${line}\n`);

const config = smallLockerConfig({
  lockerId: env('LOCKER_ID'),
  policy: { ...smallLockerConfig().policy, doors: quickDoorPolicy },
});
const db = openDatabase(env('DB_FILE'));
const log = pino(
  { level: 'error' },
  { write: (line: string) => say(`ERROR ${line.trim().replaceAll('\n', ' | ')}`) },
);
const clock = { now: () => Date.now() };
const cloudPublicKey = publicKeyFromRaw(env('CLOUD_PUBLIC_KEY'));
const board = new SerialLockBoard({
  path: env('BUS_PATH'),
  protocol: 'kerong-cu16',
  boards: [0],
  pollIntervalMs: 25,
  replyTimeoutMs: 150,
  retries: 1,
  reopenBackoff: { initialMs: 20, maxMs: 200 },
});
await board.start();
const core = await KioskCore.start({
  config,
  db,
  board,
  identity: FileIdentityStore.open(env('IDENTITY_FILE')),
  clock,
  log,
  cloudPublicKey,
});
const head = () => chainHead(db)?.seq ?? 0;
say(`START ${head()}`);

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
  publishesPerSecond: Number(process.env['RATE'] ?? 100),
  // Restarts come every second or so here: back online at once, as the first retry would be.
  tuning: { backoff: { initialMs: 100, maxMs: 1000, factor: 2 } },
});
const ticker = setInterval(() => void core.tick(), 200);

const courier: Actor = { role: 'courier', subject: 'drill-courier' };
const cloudDataDir = env('CLOUD_DATA_DIR');
const rand = (n: number) => Math.floor(Math.random() * n);
const pickOf = <T>(list: readonly T[]): T | undefined =>
  list.length === 0 ? undefined : list[rand(list.length)];
const ids = (sql: string) => (db.prepare(sql).all() as { id: string }[]).map((r) => r.id);

/** One random thing a person does at the locker. */
async function step(): Promise<void> {
  const r = rand(100);
  if (r < 30) {
    const barcode = pickOf(
      (
        db.prepare(`SELECT tracking_barcode AS b FROM parcels WHERE state = 'expected'`).all() as {
          b: string;
        }[]
      ).map((p) => p.b),
    );
    if (barcode) await core.deposits.start(courier, barcode);
  } else if (r < 35) {
    await core.deposits.start(courier, `UNA${Date.now()}${rand(1000)}`, 'S');
  } else if (r < 65) {
    const codes = readSentCodes(cloudDataDir, config.lockerId);
    const id = pickOf(ids(`SELECT id FROM parcels WHERE state = 'deposited'`));
    const code = id === undefined ? undefined : codes.get(id);
    if (code) await core.pickups.withCode(code, 'code');
  } else if (r < 80) {
    const codes = readSentCodes(cloudDataDir, config.lockerId);
    const id = pickOf(ids(`SELECT id FROM returns WHERE state = 'expected'`));
    const code = id === undefined ? undefined : codes.get(id);
    if (code) await core.returns.withCode(code, 'code');
  } else if (r < 92) {
    const item = pickOf(core.collection.list());
    if (!item) return;
    const opened = await core.collection.open(courier, item.compartmentId);
    if (opened.ok) core.collection.scanOut(courier, item.barcode);
  } else {
    await core.tick();
  }
}

let working = true;
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'quiet') working = false;
});
process.once('SIGTERM', () => {
  working = false;
  clearInterval(ticker);
  void link
    .close()
    .then(() => core.close())
    .then(() => process.exit(0));
});

while (working) {
  try {
    await step();
    await core.settled();
  } catch (e) {
    say(`ERROR ${(e as Error).stack ?? String(e)}`.replaceAll('\n', ' | '));
  }
  say(`SEQ ${head()}`);
  await new Promise((resolve) => setTimeout(resolve, 5 + rand(40)));
}
