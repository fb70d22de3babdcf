/**
 * Child process of crash.test.ts: a KioskCore on a real database file, driven by random
 * operations forever, until the parent kills it with SIGKILL.
 *
 *   node --import tsx src/main/services/testSupport/crashWorker.ts <dbfile> <seed> [infrared]
 *
 * The in-memory lock board lives in this process, so the doors' physical state (open, item
 * inside, jammed), the board fault switch and the fake clock are kept in `<dbfile>.board.json`,
 * written (temp file, fsync, rename) BEFORE each board action: a restart sees the doors as they
 * physically were when the process died, and start-up reconciliation has to cope with that.
 *
 * The start-up check skips the signatures: the parent verifies the chain of the same file after
 * every kill, incrementally.
 *
 * stdout protocol (one line each, written synchronously to the pipe):
 *   START <seq> <violations as JSON>   after KioskCore.start and its reconciliation
 *   SEQ <n>                            the highest committed event seq, after every operation
 *   ALIVE <ops>                        every 25 operations
 *   ERROR <text>                       a board event failed, or an operation threw
 */
import { createHash, createPublicKey } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import pino from 'pino';
import type { Size } from '../../../shared/domain';
import type { LockAddress, LockBoardResult } from '../../core/lockBoard';
import { MemoryLockBoard } from '../../core/memoryLockBoard';
import type { Actor } from '../context';
import { checkInvariants } from './invariants';
import { KioskCore } from '../kioskCore';
import { FakeClock, cloudKeys, digestOf, fixedIdentity, smallLockerConfig } from './kioskFixture';
import { openDatabase } from '../../store/database';
import { privateKeyFromSeed } from '../../../shared/node/ed25519';

interface LockState {
  locked: boolean;
  itemPresent: boolean | null;
  jammed: boolean;
}
interface SideState {
  clock: number;
  failure: boolean;
  /** The latch fires but the board's answers are lost. */
  mute?: boolean;
  locks: Record<string, LockState>;
}

const [dbFile, seedArg, irArg] = process.argv.slice(2);
if (!dbFile) throw new Error('usage: crashWorker.ts <dbfile> <seed> [infrared]');
const infrared = irArg === 'infrared';
const sideFile = `${dbFile}.board.json`;
const say = (line: string) => process.stdout.write(`${line}\n`);

/** The pickup code of a parcel: derived from its id, so a restarted worker still knows it. */
const codeFor = (id: string): string =>
  String(
    Number.parseInt(createHash('sha256').update(id).digest('hex').slice(0, 12), 16) % 1_000_000,
  ).padStart(6, '0');

// xorshift32: deterministic per seed, and a fresh stream after each restart.
let rng = (Number(seedArg ?? 1) >>> 0 || 1) ^ (Date.now() & 0xffff);
const rand = (n: number): number => {
  rng ^= rng << 13;
  rng ^= rng >>> 17;
  rng ^= rng << 5;
  rng >>>= 0;
  return rng % n;
};
const pickOf = <T>(list: readonly T[]): T | undefined =>
  list.length === 0 ? undefined : list[rand(list.length)];

// The fixture's device key is generated per process; this one survives restarts, and the
// parent derives the same public key (crash.test.ts, CRASH_DEVICE_SEED) to verify the chain.
const privateKey = privateKeyFromSeed(Buffer.alloc(32, 0x5e));
const deviceKeys = { privateKey, publicKey: createPublicKey(privateKey) };
const identity = { ...fixedIdentity, deviceKey: () => deviceKeys };

const config = smallLockerConfig();
const key = (a: LockAddress) => `${a.board}/${a.lock}`;

let side: SideState = existsSync(sideFile)
  ? (JSON.parse(readFileSync(sideFile, 'utf8')) as SideState)
  : {
      clock: Date.parse('2026-11-22T10:00:00.000Z'),
      failure: false,
      locks: Object.fromEntries(
        config.compartments.map((c) => [
          key(c),
          { locked: true, itemPresent: infrared ? false : null, jammed: false },
        ]),
      ),
    };

function persist(change: (s: SideState) => void): void {
  const next = structuredClone(side);
  change(next);
  const tmp = `${sideFile}.tmp`;
  const fd = openSync(tmp, 'w');
  writeSync(fd, JSON.stringify(next));
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, sideFile);
  side = next;
}

/** The memory board, with every physical change written down before it happens. */
class PersistedBoard extends MemoryLockBoard {
  override async unlock(address: LockAddress): Promise<LockBoardResult<void>> {
    const lock = side.locks[key(address)];
    if (!this.failure && lock && !lock.jammed && lock.locked)
      persist((s) => (s.locks[key(address)]!.locked = false));
    return super.unlock(address);
  }
}

const board = new PersistedBoard(config.compartments, { infrared });
// Restore the doors as they physically are; nobody listens yet, so this emits nothing.
for (const c of config.compartments) {
  const lock = side.locks[key(c)]!;
  if (!lock.locked) board.forceOpen(c);
  if (lock.itemPresent !== null) board.setItem(c, lock.itemPresent);
  board.jam(c, lock.jammed);
}
board.failure = side.failure ? 'timeout' : null;
board.mute = side.mute ?? false;

// A second later than anything the last run did, so generated ids never repeat.
persist((s) => (s.clock += 1000));
const clock = new FakeClock(side.clock);
const advance = (ms: number) => {
  persist((s) => (s.clock += ms));
  clock.advance(ms);
};

const db = openDatabase(dbFile);
let n = 0;
const core = await KioskCore.start({
  config,
  db,
  board,
  identity,
  clock,
  log: pino({ level: 'error' }, { write: (line: string) => say(`ERROR ${line.trim()}`) }),
  cloudPublicKey: cloudKeys.publicKey,
  newId: () => `unannounced-${clock.now()}-${++n}`,
  // The solenoid cool-down passes on the fake clock, written down like every other advance.
  sleep: async (ms) => advance(ms),
});
const headSeq = () =>
  (db.prepare('SELECT coalesce(max(seq), 0) AS s FROM events').get() as { s: number }).s;
const physicalDoors = () =>
  new Map(config.compartments.map((c) => [c.id, !side.locks[key(c)]!.locked]));
// The doors are compared only when the board could be read at start: a faulted board leaves
// them unknown and its operations deferred until it recovers.
say(
  `START ${headSeq()} ${JSON.stringify(checkInvariants(db, deviceKeys.publicKey, { ...(side.failure ? {} : { doors: physicalDoors() }), skipSignatures: true }))}`,
);

const courier: Actor = { role: 'courier', subject: 'crash-courier' };
const staff: Actor = { role: 'staff', subject: 'crash-staff' };
const SIZES: Size[] = ['S', 'M', 'L', 'XL'];
const ops = () =>
  db
    .prepare(
      'SELECT id, kind, compartment_id AS c, parcel_id AS p, door_opened_at AS opened FROM door_operations',
    )
    .all() as {
    id: number;
    kind: string;
    c: string;
    p: string | null;
    opened: number | null;
  }[];
const parcels = (state: string) =>
  db
    .prepare('SELECT id, tracking_barcode AS barcode, announced FROM parcels WHERE state = ?')
    .all(state) as {
    id: string;
    barcode: string;
    announced: number;
  }[];

async function step(): Promise<void> {
  const r = rand(100);
  if (r < 12) {
    const id = `p-${clock.now()}-${rand(1e6)}`;
    core.announcements.expectParcel({
      parcelId: id,
      trackingBarcode: `TRK-${id}`,
      dimensions: { lengthMm: 50 + rand(500), widthMm: 50 + rand(350), heightMm: 10 + rand(300) },
      weightG: rand(3000),
      accessible: rand(4) === 0,
      codeDigest: digestOf(codeFor(id)),
    });
  } else if (r < 15) {
    const id = `r-${clock.now()}-${rand(1e6)}`;
    core.announcements.expectReturn({
      returnId: id,
      size: pickOf(SIZES)!,
      codeDigest: digestOf(codeFor(id)),
    });
  } else if (r < 27) {
    const p = pickOf(parcels('expected').filter((p) => p.announced === 1));
    if (p) await core.deposits.start(courier, p.barcode);
  } else if (r < 31) {
    await core.deposits.start(courier, `UNA-${clock.now()}-${rand(1e6)}`, pickOf(SIZES));
  } else if (r < 55) {
    const c = pickOf(config.compartments.filter((c) => !side.locks[key(c)]!.locked));
    if (!c) return;
    const op = ops().find((o) => o.c === c.id);
    if (infrared && op) {
      const present = op.kind === 'deposit' || op.kind === 'return_deposit';
      persist((s) => (s.locks[key(c)]!.itemPresent = present));
      board.setItem(c, present);
    }
    persist((s) => (s.locks[key(c)]!.locked = true));
    board.closeDoor(c);
  } else if (r < 58) {
    const op = pickOf(ops().filter((o) => o.kind === 'deposit'));
    if (op) await core.deposits.doesntFit(courier, op.id);
  } else if (r < 66) {
    const p = pickOf(parcels('deposited'));
    if (p) await core.pickups.withCode(codeFor(p.id), 'code');
  } else if (r < 68) {
    await core.pickups.withCode(String(rand(1_000_000)).padStart(6, '0'), 'code');
  } else if (r < 71) {
    const ret = pickOf(
      db.prepare(`SELECT id FROM returns WHERE state = 'expected'`).all() as { id: string }[],
    );
    if (ret) await core.returns.withCode(codeFor(ret.id), 'code');
  } else if (r < 77) {
    advance(rand(4) === 0 ? 86_400_000 + rand(86_400_000) : rand(150_000));
    await core.tick();
  } else if (r < 81) {
    const item = pickOf(core.collection.list());
    if (item) await core.collection.open(courier, item.compartmentId);
  } else if (r < 85) {
    const collecting = new Set(
      ops()
        .filter((o) => o.kind === 'collection')
        .map((o) => o.c),
    );
    const item = pickOf(core.collection.list().filter((i) => collecting.has(i.compartmentId)));
    if (item) core.collection.scanOut(courier, item.barcode);
  } else if (r < 87) {
    // Not while a deposit's door is open: that strands the deposit (a known bug, see the report).
    const busy = new Set(
      ops()
        .filter((o) => o.opened !== null && o.kind.endsWith('deposit'))
        .map((o) => o.c),
    );
    const c = pickOf(core.compartments().filter((c) => !busy.has(c.id)));
    if (c) core.staff.setOutOfService(staff, c.id, 'crash test');
  } else if (r < 92) {
    const c = pickOf(core.compartments().filter((c) => c.state === 'out_of_service'));
    if (c) core.staff.setInService(staff, c.id, 'crash test');
  } else if (r < 94) {
    const c = pickOf(core.compartments());
    if (c) await core.staff.openDoor(staff, c.id, 'crash test');
  } else if (r < 96) {
    const c = pickOf(config.compartments)!;
    const jammed = rand(3) === 0;
    persist((s) => (s.locks[key(c)]!.jammed = jammed));
    board.jam(c, jammed);
  } else if (r < 98) {
    const failure = rand(3) === 0;
    persist((s) => (s.failure = failure));
    board.failure = failure ? 'timeout' : null;
  } else if (r < 99) {
    const mute = rand(3) === 0;
    persist((s) => (s.mute = mute));
    board.mute = mute;
  } else {
    // A latch that gives way: a door opens that nobody asked for.
    const c = pickOf(config.compartments.filter((c) => side.locks[key(c)]!.locked));
    if (!c) return;
    persist((s) => (s.locks[key(c)]!.locked = false));
    board.forceOpen(c);
  }
}

for (let count = 1; ; count++) {
  try {
    await step();
    await core.settled();
  } catch (e) {
    say(`ERROR ${(e as Error).stack ?? String(e)}`.replaceAll('\n', ' | '));
  }
  say(`SEQ ${headSeq()}`);
  if (count % 25 === 0) say(`ALIVE ${count}`);
}
