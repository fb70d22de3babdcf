/**
 * Test support: a kiosk process on the real serial driver (Kerong, board 0, the small test
 * locker on locks 1–7), a real SQLite file and a real clock, for tests that SIGKILL it in the
 * middle of a door operation. Configured by environment: DB_FILE, BUS_PATH. Prints `READY` once started (start-up reconciliation done), then answers
 * one JSON request per stdin line with one JSON line: {"announce": expectation} (the cloud's
 * parcel.expect payload) or {"deposit": barcode, "size"?} → {"result": …}. Runs tick() every
 * 100 ms.
 */
import { createInterface } from 'node:readline';
import pino from 'pino';
import { SerialLockBoard } from '../../../../hardware/lockboard/serialLockBoard';
import type { Size } from '../../../shared/domain';
import { openDatabase } from '../../store/database';
import { KioskCore } from '../kioskCore';
import {
  cloudKeys,
  fixedIdentity,
  quickDoorPolicy,
  smallLockerConfig,
  testCourier,
} from './kioskFixture';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const config = smallLockerConfig({
  policy: { ...smallLockerConfig().policy, doors: quickDoorPolicy },
});
const board = new SerialLockBoard({
  path: env('BUS_PATH'),
  protocol: 'kerong-cu16',
  boards: [0],
  pollIntervalMs: 25,
  replyTimeoutMs: 80,
  retries: 1,
  reopenBackoff: { initialMs: 20, maxMs: 200 },
});
await board.start();
const core = await KioskCore.start({
  config,
  db: openDatabase(env('DB_FILE')),
  board,
  identity: fixedIdentity,
  clock: { now: () => Date.now() },
  log: pino({ level: 'error' }, pino.destination(2)),
  cloudPublicKey: cloudKeys.publicKey,
});
setInterval(() => void core.tick(), 100);
process.stdout.write('READY\n');

for await (const line of createInterface({ input: process.stdin })) {
  const request = JSON.parse(line) as { announce?: unknown; deposit?: string; size?: Size };
  const result =
    request.announce !== undefined
      ? core.announcements.expectParcel(request.announce)
      : await core.deposits.start(testCourier, request.deposit ?? '', request.size);
  process.stdout.write(`${JSON.stringify({ result })}\n`);
}
