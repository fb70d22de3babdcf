/**
 * Benchmark support for bench/memory.ts: a kiosk (KioskCore on a real SQLite file, the IPC
 * handler table and the screens' event feed, the in-memory lock board so doors move at once)
 * doing deposit + pickup cycles as fast as its commits allow, with the heap measured after a
 * full garbage collection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { MemoryLockBoard } from '../../src/main/core/memoryLockBoard';
import { startKioskIpc, type KioskIpc } from '../../src/main/ipc/kioskIpc';
import { KioskCore } from '../../src/main/services/kioskCore';
import { openDatabase, type Db } from '../../src/main/store/database';
import {
  cloudKeys,
  digestOf,
  fixedIdentity,
  smallLockerConfig,
} from '../../src/main/services/testSupport/kioskFixture';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

export interface MemoryReading {
  rssMb: number;
  heapUsedMb: number;
  /** Memory of C++ objects bound to JavaScript ones (buffers, SQLite statements' results). */
  externalMb: number;
}

/** MB to 10 KB: coarser rounding would hide a slow trend in the heap. */
const mb = (bytes: number) => Math.round((bytes / 1_048_576) * 100) / 100;

/** Heap and RSS after a full collection (twice: weak references and finalizers go first). */
export function readMemory(): MemoryReading {
  collect();
  collect();
  const m = process.memoryUsage();
  return { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), externalMb: mb(m.external) };
}

const courier = { role: 'courier' as const, subject: 'memory-courier' };

export class CyclingKiosk {
  private n = 0;

  private constructor(
    private readonly core: KioskCore,
    private readonly board: MemoryLockBoard,
    private readonly ipc: KioskIpc,
    private readonly db: Db,
    private readonly dir: string,
  ) {}

  static async start(): Promise<CyclingKiosk> {
    const dir = mkdtempSync(join(tmpdir(), 'bench-memory-'));
    const config = smallLockerConfig({ lockerId: 'memory-locker' });
    const db = openDatabase(join(dir, 'kiosk.db'));
    const board = new MemoryLockBoard(config.compartments, { infrared: true });
    const core = await KioskCore.start({
      config,
      db,
      board,
      identity: fixedIdentity,
      clock: { now: () => Date.now(), monotonic: () => performance.now() },
      log: pino({ level: 'silent' }),
      cloudPublicKey: cloudKeys.publicKey,
    });
    const ipc = startKioskIpc(
      { core, db, devices: { board, scanner: null, simulation: null, close: async () => {} } },
      { lockerId: config.lockerId, log: pino({ level: 'silent' }) },
    );
    // A screen listening, as the web shell's socket does.
    ipc.push.subscribe((event, payload) => void JSON.stringify({ event, payload }));
    return new CyclingKiosk(core, board, ipc, db, dir);
  }

  /** One parcel announced, deposited (door opens, item in, door shut), picked up by code. */
  async cycle(): Promise<void> {
    const id = `m${++this.n}`;
    const code = String(100_000 + (this.n % 900_000));
    const announced = this.core.announcements.expectParcel({
      parcelId: id,
      trackingBarcode: `TRK${id}`,
      dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 },
      weightG: 1000,
      codeDigest: digestOf(code),
    });
    if (!announced.ok) throw new Error(`announcement refused: ${JSON.stringify(announced.error)}`);
    const deposit = await this.core.deposits.start(courier, `TRK${id}`);
    if (!deposit.ok) throw new Error(`deposit refused: ${JSON.stringify(deposit.error)}`);
    const door = this.address(deposit.value.compartmentId);
    await this.core.settled();
    this.board.setItem(door, true);
    this.board.closeDoor(door);
    await this.core.settled();
    const pickup = await this.ipc.handlers['pickup:code']({ code, method: 'code' });
    if (!pickup.ok) throw new Error(`pickup refused: ${JSON.stringify(pickup.error)}`);
    await this.core.settled();
    this.board.setItem(door, false);
    this.board.closeDoor(door);
    await this.core.settled();
    // The test double keeps every unlock for its tests; a kiosk keeps nothing of the kind.
    this.board.unlocked.length = 0;
  }

  async close(): Promise<void> {
    this.ipc.close();
    await this.core.close();
    this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private address(compartmentId: string) {
    const c = this.core.compartments().find((x) => x.id === compartmentId)!;
    return { board: c.board, lock: c.lock };
  }
}
