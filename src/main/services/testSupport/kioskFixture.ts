/**
 * Test support: a KioskCore on a real SQLite database (in memory unless a file is given), an
 * in-memory lock board, fixed keys and a clock the test moves. Used by the services' tests.
 */
import { createHmac, generateKeyPairSync } from 'node:crypto';
import pino from 'pino';
import { kioskConfigSchema, type KioskConfig } from '../../config/kioskConfig';
import { MemoryLockBoard } from '../../core/memoryLockBoard';
import type { IdentityStore } from '../../identity/identityStore';
import { openDatabase } from '../../store/database';
import { KioskCore } from '../kioskCore';
import type { StorageGauge } from '../storageWatch';
import type { Actor } from '../context';
import type { LockAddress } from '../../core/lockBoard';
import { listEvents } from '../../store/events';
import type { DepositStarted } from '../../../shared/outcomes';

export const CODE_KEY = Buffer.alloc(32, 7);
export const digestOf = (code: string) => createHmac('sha256', CODE_KEY).update(code).digest('hex');

/** A small locker: column A has S, S, M, L (A3, A4 lower doors), column B has S, M, XL. */
export function smallLockerConfig(overrides: Partial<KioskConfig> = {}): KioskConfig {
  const c = (
    id: string,
    lock: number,
    size: 'S' | 'M' | 'L' | 'XL',
    heightMm: number,
    lowerDoor = false,
  ) => ({
    id,
    board: 0,
    lock,
    size,
    inner: { lengthMm: 600, widthMm: 400, heightMm },
    maxWeightG: 20_000,
    lowerDoor,
  });
  return kioskConfigSchema.parse({
    lockerId: 'test-locker',
    compartments: [
      c('A1', 1, 'S', 90),
      c('A2', 2, 'S', 90),
      c('A3', 3, 'M', 190, true),
      c('A4', 4, 'L', 390, true),
      c('B1', 5, 'S', 90),
      c('B2', 6, 'M', 190),
      c('B3', 7, 'XL', 640),
    ],
    serial: { kind: 'simulator' },
    scanner: { kind: 'none' },
    cloud: { brokerUrl: 'embedded' },
    // The tests' codes are 6 digits; their clock is moved by days at a time, by hand.
    policy: { codeLength: 6, maxClockStepSec: 366 * 86_400 },
    dataDir: '/tmp/unused',
    ...overrides,
  });
}

/** `count` M compartments, `perBoard` to a board: column letter = board, row = lock. */
export function mediumCompartments(count: number, perBoard: number): KioskConfig['compartments'] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${String.fromCharCode(65 + Math.floor(i / perBoard))}${(i % perBoard) + 1}`,
    board: Math.floor(i / perBoard),
    lock: (i % perBoard) + 1,
    size: 'M' as const,
    inner: { lengthMm: 600, widthMm: 400, heightMm: 190 },
    maxWeightG: 20_000,
    lowerDoor: false,
  }));
}

export const deviceKeys = generateKeyPairSync('ed25519');
export const cloudKeys = generateKeyPairSync('ed25519');

export const fixedIdentity: IdentityStore = {
  deviceKey: () => deviceKeys,
  codeDigestKey: () => Buffer.from(CODE_KEY),
};

export class FakeClock {
  constructor(public t = Date.parse('2026-11-22T10:00:00.000Z')) {}
  now = (): number => this.t;
  /** Moves with `advance`; a test may step `t` alone to play a clock set by hand or NTP. */
  mono = 0;
  monotonic = (): number => this.mono;
  advance(ms: number): void {
    this.t += ms;
    this.mono += Math.max(0, ms);
  }
}

/** Door timings short enough for tests on a real clock and a real serial driver. */
export const quickDoorPolicy = { solenoidCooldownMs: 150, openDetectSec: 2, openBackstopSec: 60 };

/** Waiting on a fake clock: the time passes at once. */
export const fakeSleep =
  (clock: FakeClock) =>
  async (ms: number): Promise<void> => {
    clock.advance(ms);
  };

export interface Fixture {
  core: KioskCore;
  board: MemoryLockBoard;
  clock: FakeClock;
  config: KioskConfig;
  db: ReturnType<typeof openDatabase>;
}

export async function startFixture(
  options: {
    config?: KioskConfig;
    file?: string;
    infrared?: boolean;
    clock?: FakeClock;
    board?: MemoryLockBoard;
    storage?: StorageGauge;
  } = {},
): Promise<Fixture> {
  const config = options.config ?? smallLockerConfig();
  const db = openDatabase(options.file ?? ':memory:');
  const board =
    options.board ??
    new MemoryLockBoard(config.compartments, { infrared: options.infrared ?? false });
  const clock = options.clock ?? new FakeClock();
  let n = 0;
  const core = await KioskCore.start({
    config,
    db,
    board,
    identity: fixedIdentity,
    clock,
    log: pino({ level: 'silent' }),
    cloudPublicKey: cloudKeys.publicKey,
    newId: () => `unannounced-${clock.now()}-${++n}`,
    sleep: fakeSleep(clock),
    ...(options.storage ? { storage: options.storage } : {}),
  });
  return { core, board, clock, config, db };
}

// Small steps the services' tests share.

export const testCourier: Actor = { role: 'courier', subject: 'c-17' };

export const lockOf = (f: Fixture, id: string): LockAddress => {
  const c = f.config.compartments.find((c) => c.id === id)!;
  return { board: c.board, lock: c.lock };
};

export const eventTypes = (f: Fixture): string[] => listEvents(f.db).map((e) => e.type);

/** The cloud announces parcel `id` (barcode `TRK{id}`) with pickup code `code`. */
export function announce(
  f: Fixture,
  id: string,
  code: string,
  dims = { lengthMm: 300, widthMm: 200, heightMm: 80 },
  accessible = false,
): void {
  const r = f.core.announcements.expectParcel({
    parcelId: id,
    trackingBarcode: `TRK${id}`,
    dimensions: dims,
    weightG: 1200,
    accessible,
    codeDigest: digestOf(code),
  });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
}

/** A courier scans announced parcel `id` and its door is pulsed; throws if it is not. */
export async function startDeposit(f: Fixture, id: string): Promise<DepositStarted> {
  const started = await f.core.deposits.start(testCourier, `TRK${id}`);
  if (!started.ok) throw new Error(JSON.stringify(started.error));
  return started.value;
}

/** A courier deposits announced parcel `id` and closes the door; returns its compartment. */
export async function deposit(f: Fixture, id: string): Promise<string> {
  const { compartmentId } = await startDeposit(f, id);
  f.board.closeDoor(lockOf(f, compartmentId));
  await f.core.settled();
  return compartmentId;
}
