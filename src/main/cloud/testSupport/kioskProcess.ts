/**
 * Test support: a kiosk process (KioskCore on a real SQLite file, memory lock board, file
 * identity, real clock) with its CloudLink, for tests that SIGKILL it mid-flush. Configured by
 * environment: DB_FILE, IDENTITY_FILE, BROKER_URL, LOCKER_ID, CLOUD_PUBLIC_KEY, BACKLOG
 * (events appended after start), RATE, MAX_MESSAGE_BYTES. Prints READY once online.
 */
import pino from 'pino';
import { publicKeyFromRaw } from '../../../shared/node/ed25519';
import { MemoryLockBoard } from '../../core/memoryLockBoard';
import { FileIdentityStore } from '../../identity/fileIdentityStore';
import { KioskCore } from '../../services/kioskCore';
import { smallLockerConfig } from '../../services/testSupport/kioskFixture';
import { openDatabase } from '../../store/database';
import { CloudLink } from '../cloudLink';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const config = smallLockerConfig({ lockerId: env('LOCKER_ID') });
const db = openDatabase(env('DB_FILE'));
const log = pino({ level: process.env.LINK_LOG ?? 'silent' }, pino.destination(2));
const clock = { now: () => Date.now() };
const core = await KioskCore.start({
  config,
  db,
  board: new MemoryLockBoard(config.compartments, { infrared: false }),
  identity: FileIdentityStore.open(env('IDENTITY_FILE')),
  clock,
  log,
  cloudPublicKey: publicKeyFromRaw(env('CLOUD_PUBLIC_KEY')),
});
const link = CloudLink.start({
  lockerId: config.lockerId,
  brokerUrl: env('BROKER_URL'),
  topicPrefix: 'locker/v1',
  db,
  core,
  policy: config.policy,
  cloudPublicKey: publicKeyFromRaw(env('CLOUD_PUBLIC_KEY')),
  log,
  clock,
  publishesPerSecond: Number(process.env.RATE ?? 100),
  tuning: {
    backoff: { initialMs: 100, maxMs: 1000, factor: 2 },
    resendAfterMs: 2000,
    maxMessageBytes: Number(process.env.MAX_MESSAGE_BYTES ?? 128 * 1024),
  },
});
const stop = link.onStatus((s) => {
  if (s.connection !== 'online') return;
  stop();
  process.stdout.write('READY\n');
});
const backlog = Number(process.env.BACKLOG ?? 0);
for (let i = 0; i < backlog; i += 100) {
  db.transaction(() => {
    for (let j = i; j < Math.min(backlog, i + 100); j++) {
      core.audit.append('hardware.fault', { reason: `backlog event ${j} ${'x'.repeat(200)}` });
    }
  })();
  await new Promise((r) => setImmediate(r));
}
