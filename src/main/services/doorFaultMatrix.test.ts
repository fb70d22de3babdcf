/**
 * The fault matrix: KioskCore on the real SerialLockBoard over a socat pty against the board
 * simulator, one row per fault a locker's bus and doors really have. For each row: the
 * parcel's final state is known or its compartment is in inspection, each request pulsed one
 * door (a second only after the first was known not to open), and no compartment recorded as
 * free holds an item. The matrix is printed as a table.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { LockBoardProtocolName } from '../../../hardware/lockboard/boardProtocol';
import { SerialLockBoard } from '../../../hardware/lockboard/serialLockBoard';
import type { SimulatedLockBus } from '../../../hardware/sim/simulatedLockBus';
import { startSimulatedLockBus } from '../../../hardware/sim/simulatedLockBus';
import type { CompartmentConfig } from '../config/kioskConfig';
import { getCompartment, listCompartments } from '../store/compartments';
import { openDatabase, type Db } from '../store/database';
import { listDoorOperations } from '../store/doorOperations';
import { getParcel } from '../store/parcels';
import { KioskCore } from './kioskCore';
import { checkInvariants } from './testSupport/invariants';
import {
  cloudKeys,
  deviceKeys,
  digestOf,
  fixedIdentity,
  quickDoorPolicy,
  smallLockerConfig,
  testCourier as courier,
} from './testSupport/kioskFixture';

const dir = mkdtempSync(join(tmpdir(), 'fault-matrix-'));
let files = 0;
const config = smallLockerConfig({
  policy: { ...smallLockerConfig().policy, doors: quickDoorPolicy },
});
const compartment = (id: string): CompartmentConfig =>
  config.compartments.find((c) => c.id === id)!;

/** Polls a condition; the deadline only guards against a hung test. */
async function until(condition: () => boolean, what: string, deadlineMs = 8_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > deadlineMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

/** A locker on one simulated bus; `restart` brings the kiosk back on the same file and bus. */
class Stand {
  core!: KioskCore;
  db!: Db;
  private board!: SerialLockBoard;
  readonly file = join(dir, `kiosk-${++files}.db`);

  private constructor(
    readonly bus: SimulatedLockBus,
    readonly protocol: LockBoardProtocolName,
  ) {}

  static async start(protocol: LockBoardProtocolName): Promise<Stand> {
    const bus = await startSimulatedLockBus({
      protocol,
      boards: [0],
      doorOpenDelayMs: 30,
      lateReplyMs: 400, // later than the driver's late-reply guard (2 × 80 ms)
    });
    const stand = new Stand(bus, protocol);
    await stand.startKiosk();
    return stand;
  }

  async startKiosk(): Promise<void> {
    this.board = new SerialLockBoard({
      path: this.bus.kioskPath,
      protocol: this.protocol,
      boards: [0],
      pollIntervalMs: 25,
      replyTimeoutMs: 80,
      retries: 1,
      reopenBackoff: { initialMs: 20, maxMs: 200 },
    });
    await this.board.start();
    this.db = openDatabase(this.file);
    this.core = await KioskCore.start({
      config,
      db: this.db,
      board: this.board,
      identity: fixedIdentity,
      clock: { now: () => Date.now() },
      log: pino({ level: 'silent' }),
      cloudPublicKey: cloudKeys.publicKey,
    });
    // As the composition root does: time-driven work (jam checks, backstops) keeps running.
    const core = this.core;
    this.ticker = setInterval(() => void core.tick(), 100);
  }

  private ticker: NodeJS.Timeout | undefined;

  async stopKiosk(): Promise<void> {
    clearInterval(this.ticker);
    await this.core.close();
    await this.board.close();
    this.db.close();
  }

  async close(): Promise<void> {
    await this.stopKiosk();
    await this.bus.close();
  }

  announce(id: string, code: string): void {
    const r = this.core.announcements.expectParcel({
      parcelId: id,
      trackingBarcode: `TRK${id}`,
      dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 },
      weightG: 1200,
      accessible: false,
      codeDigest: digestOf(code),
    });
    expect(r.ok).toBe(true);
  }

  lock(id: string): number {
    return compartment(id).lock;
  }

  simLock(id: string) {
    return this.bus.sim.boards()[0]!.locks[this.lock(id) - 1]!;
  }

  pulses(): number[] {
    return this.bus.sim.boards()[0]!.locks.map((l) => l.pulses);
  }

  /** Which compartments were pulsed since `before`, e.g. "A1×2, B1×1". */
  pulsedSince(before: number[]): string {
    const after = this.pulses();
    return config.compartments
      .filter((c) => after[c.lock - 1]! > before[c.lock - 1]!)
      .map((c) => `${c.id}×${after[c.lock - 1]! - before[c.lock - 1]!}`)
      .join(', ');
  }

  /**
   * The courier puts the parcel in (IR, where the family has it) and shuts the door: once it
   * has sprung open, and (`watched`) once the kiosk has seen it open, as a person takes seconds.
   */
  async putInAndClose(id: string, watched = true): Promise<void> {
    await this.opened(id, watched);
    if (this.bus.sim.protocol.hasItemSensors) this.bus.sim.setItem(0, this.lock(id), true);
    this.bus.sim.closeDoor(0, this.lock(id));
  }

  async takeOutAndClose(id: string): Promise<void> {
    await this.opened(id, true);
    if (this.bus.sim.protocol.hasItemSensors) this.bus.sim.setItem(0, this.lock(id), false);
    this.bus.sim.closeDoor(0, this.lock(id));
  }

  private async opened(id: string, watched: boolean): Promise<void> {
    await until(() => this.simLock(id).doorOpen, `door ${id} springing open`);
    if (watched) await until(() => this.compartment(id).doorOpen === true, `door ${id} seen open`);
  }

  parcel(id: string) {
    return getParcel(this.db, id);
  }

  compartment(id: string) {
    return getCompartment(this.db, id)!;
  }

  /** The row's verdict: every promise the matrix checks, as a list of what broke. */
  judge(): string[] {
    const broken: string[] = [];
    for (const op of listDoorOperations(this.db)) {
      const c = this.compartment(op.compartmentId);
      if (op.phase !== 'unknown' || c.state !== 'out_of_service')
        broken.push(`operation ${op.id} on ${op.compartmentId} unsettled (${op.phase})`);
    }
    const sim = this.bus.sim.boards()[0]!;
    for (const c of listCompartments(this.db)) {
      const lock = sim.locks[c.lock - 1]!;
      if (c.state === 'available' && lock.itemPresent === true)
        broken.push(`free compartment ${c.id} holds an item`);
    }
    const doors = new Map(config.compartments.map((c) => [c.id, sim.locks[c.lock - 1]!.doorOpen]));
    broken.push(...checkInvariants(this.db, deviceKeys.publicKey, { doors }));
    return broken;
  }
}

interface Row {
  fault: string;
  journey: string;
  outcome: string;
  pulsed: string;
  holds: string;
}
const matrix: Row[] = [];
let stand: Stand | undefined;

afterEach(async () => {
  await stand?.close();
  stand = undefined;
});

afterAll(() => {
  if (matrix.length > 0) console.log(`\n${table(matrix)}`);
  rmSync(dir, { recursive: true, force: true });
});

const HEADINGS: Row = {
  fault: 'fault',
  journey: 'journey',
  outcome: 'outcome',
  pulsed: 'doors pulsed',
  holds: 'holds',
};

/** The matrix as a Markdown table. */
function table(rows: Row[]): string {
  const cols = Object.keys(HEADINGS) as (keyof Row)[];
  const width = (k: keyof Row) => Math.max(...[HEADINGS, ...rows].map((r) => r[k].length));
  const line = (r: Row) => `| ${cols.map((k) => r[k].padEnd(width(k))).join(' | ')} |`;
  const rule = `|${cols.map((k) => '-'.repeat(width(k) + 2)).join('|')}|`;
  return [line(HEADINGS), rule, ...rows.map(line)].join('\n');
}

const staffer = { role: 'staff' as const, subject: 's' };

/** Records a row after checking what every row must hold. */
function record(s: Stand, row: Omit<Row, 'holds'>): void {
  const broken = s.judge();
  matrix.push({ ...row, holds: broken.length === 0 ? 'yes' : broken.join('; ') });
  expect(broken, row.fault).toEqual([]);
}

/** The courier scans announced parcel p1; returns the answer and the compartment it names. */
async function depositStarted(
  s: Stand,
): Promise<{ id: string; result: Awaited<ReturnType<KioskCore['deposits']['start']>> }> {
  s.announce('p1', '123456');
  const result = await s.core.deposits.start(courier, 'TRKp1');
  const id = result.ok
    ? result.value.compartmentId
    : 'compartmentId' in result.error
      ? String(result.error.compartmentId)
      : '';
  return { id, result };
}

describe('the door fault matrix (real serial driver over a pty)', () => {
  // On a Kerong board lock 1's acknowledgement and a query's reply are the same bytes: the
  // first reading after a lost lock-1 answer may be that answer arriving late (the board before
  // the pulse). The driver lets it pay that debt and reads again (a retry of the same query).
  for (const [compartment, lock] of [
    ['B1', 5],
    ['A1', 1],
  ] as const) {
    it(`one answer lost while the latch fires (lock ${lock}): the door is read open, the deposit goes on`, async () => {
      stand = await Stand.start('kerong-cu16');
      const s = stand;
      for (const c of ['A1', 'A2', 'B1'].filter((c) => c !== compartment))
        s.core.staff.setOutOfService(staffer, c, 'kept out for the row');
      s.bus.sim.loseNextAnswer('unlock');
      const before = s.pulses();
      const { id, result } = await depositStarted(s);
      expect(id).toBe(compartment);
      expect(result).toMatchObject({ ok: true });
      await s.putInAndClose(id);
      await until(() => s.parcel('p1')?.state === 'deposited', 'the deposit');
      record(s, {
        fault: `unlock answer lost (lock ${lock})`,
        journey: 'deposit',
        outcome: `read open → deposited in ${id}`,
        pulsed: s.pulsedSince(before),
      });
      expect(s.pulsedSince(before)).toBe(`${id}×1`);
    });
  }

  for (const fault of ['mute', 'garbled'] as const) {
    it(`a board whose answers are ${fault === 'mute' ? 'all lost' : fault}: unknown, inspection, settled when it answers again`, async () => {
      stand = await Stand.start('kerong-cu16');
      const s = stand;
      s.bus.sim.setFault(0, fault, true);
      const before = s.pulses();
      const { id, result } = await depositStarted(s);
      expect(result).toEqual({ ok: false, error: { reason: 'door_unknown', compartmentId: id } });
      expect(s.compartment(id)).toMatchObject({ state: 'out_of_service' });
      // Scanned again while unknown: no second door.
      expect(await s.core.deposits.start(courier, 'TRKp1')).toEqual(result);
      // The latch did fire: the courier puts the parcel in; the board answers again.
      await s.putInAndClose(id, false);
      s.bus.sim.setFault(0, fault, false);
      await until(() => s.parcel('p1')?.state === 'deposited', 'settling on the baseline');
      await until(() => s.compartment(id).state === 'occupied', 'the inspection lifted');
      record(s, {
        fault: fault === 'mute' ? 'every answer lost' : `answers ${fault}`,
        journey: 'deposit, scanned twice',
        outcome: `unknown → inspection → deposited in ${id}`,
        pulsed: s.pulsedSince(before),
      });
      expect(s.pulsedSince(before)).toBe(`${id}×1`);
    });
  }

  it('a board whose answers all come late: never a false acknowledgement, whatever arrives', async () => {
    stand = await Stand.start('kerong-cu16');
    const s = stand;
    s.bus.sim.setFault(0, 'late', true);
    const before = s.pulses();
    const { id, result } = await depositStarted(s);
    // A late answer can still be a true reading (the door open after the pulse), so the deposit
    // either goes on or waits unknown; it never pulses a second door.
    const unknown = !result.ok;
    if (unknown) {
      expect(result).toEqual({ ok: false, error: { reason: 'door_unknown', compartmentId: id } });
      expect(s.compartment(id).state).toBe('out_of_service');
    }
    await s.putInAndClose(id, false);
    s.bus.sim.setFault(0, 'late', false);
    await until(() => s.parcel('p1')?.state === 'deposited', 'the deposit');
    await until(() => s.compartment(id).state === 'occupied', 'no inspection left');
    record(s, {
      fault: 'answers late (400 ms)',
      journey: 'deposit',
      outcome: `${unknown ? 'unknown → inspection → ' : 'read open from a late answer → '}deposited in ${id}`,
      pulsed: s.pulsedSince(before),
    });
    expect(s.pulsedSince(before)).toMatch(new RegExp(`^${id}×[12]$`));
  });

  it('the bus drops and returns while the door is open: the deposit is settled, not abandoned', async () => {
    stand = await Stand.start('kerong-cu16');
    const s = stand;
    const before = s.pulses();
    const { id, result } = await depositStarted(s);
    expect(result).toMatchObject({ ok: true });
    await until(() => listDoorOperations(s.db)[0]?.phase === 'opened', 'the door seen open');
    await s.bus.unplug();
    await s.putInAndClose(id, false);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await s.bus.replug();
    await until(() => s.parcel('p1')?.state === 'deposited', 'the deposit after replug');
    record(s, {
      fault: 'bus dropped mid-operation',
      journey: 'deposit',
      outcome: `deposited in ${id}`,
      pulsed: s.pulsedSince(before),
    });
  });

  it('a board silent at start that wakes later: what was deferred is settled', async () => {
    stand = await Stand.start('kerong-cu16');
    const s = stand;
    const before = s.pulses();
    const { id } = await depositStarted(s);
    await until(() => listDoorOperations(s.db)[0]?.phase === 'opened', 'the door seen open');
    await s.stopKiosk();
    await s.putInAndClose(id, false); // while the kiosk is down
    s.bus.sim.setFault(0, 'silent', true);
    await s.startKiosk();
    expect(listDoorOperations(s.db)).toEqual([expect.objectContaining({ inspecting: true })]);
    expect(s.compartment(id).state).toBe('out_of_service');
    s.bus.sim.setFault(0, 'silent', false);
    await until(() => s.parcel('p1')?.state === 'deposited', 'the baseline');
    await until(() => s.compartment(id).state === 'occupied', 'the inspection lifted');
    record(s, {
      fault: 'board silent at start, wakes later',
      journey: 'deposit, kiosk restarted',
      outcome: `deferred → deposited in ${id}`,
      pulsed: s.pulsedSince(before),
    });
  });

  it('SIGKILL mid-deposit, restart while the board does not answer yet', async () => {
    const bus = await startSimulatedLockBus({
      protocol: 'kerong-cu16',
      boards: [0],
      doorOpenDelayMs: 30,
    });
    const file = join(dir, 'killed.db');
    const seed = openDatabase(file);
    seed.close();
    const child = (): ChildProcess =>
      spawn(process.execPath, ['--import', 'tsx', CHILD], {
        env: { ...process.env, DB_FILE: file, BUS_PATH: bus.kioskPath },
        stdio: ['pipe', 'pipe', 'inherit'],
      });
    const ready = (p: ChildProcess) =>
      new Promise<void>((resolve, reject) => {
        p.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('READY') && resolve());
        p.once('exit', (code) => reject(new Error(`kiosk exited ${code}`)));
      });
    try {
      let kiosk = child();
      await ready(kiosk);
      const db = openDatabase(file);
      const before = bus.sim.boards()[0]!.locks.map((l) => l.pulses);
      // Killed the moment the board acts on the unlock: the pulse fired, its answer unheard.
      const killed = new Promise<void>((resolve) => {
        const off = bus.sim.onExchange((e) => {
          if (e.request.kind !== 'unlock') return;
          kiosk.kill('SIGKILL');
          off();
          resolve();
        });
      });
      const announce = {
        parcelId: 'killed-1',
        trackingBarcode: 'TRK-KILLED',
        dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 },
        weightG: 1000,
        accessible: false,
        codeDigest: digestOf('314159'),
      };
      kiosk.stdin!.write(`${JSON.stringify({ announce })}\n`);
      kiosk.stdin!.write(`${JSON.stringify({ deposit: 'TRK-KILLED' })}\n`);
      await killed;
      await new Promise((resolve) => kiosk.once('exit', resolve));
      const [op] = listDoorOperations(db);
      expect(op).toBeDefined();
      const id = op!.compartmentId;
      const lock = compartment(id).lock;
      // While it is dead the courier puts the parcel in; the kiosk comes back to a deaf board.
      await until(() => bus.sim.boards()[0]!.locks[lock - 1]!.doorOpen, 'the door springing open');
      bus.sim.setItem(0, lock, true);
      bus.sim.closeDoor(0, lock);
      bus.sim.setFault(0, 'silent', true);
      kiosk = child();
      await ready(kiosk);
      expect(listDoorOperations(db)).toEqual([
        expect.objectContaining({ phase: 'unknown', inspecting: true }),
      ]);
      expect(getCompartment(db, id)?.state).toBe('out_of_service');
      bus.sim.setFault(0, 'silent', false);
      await until(() => getParcel(db, 'killed-1')?.state === 'deposited', 'the settling');
      await until(() => getCompartment(db, id)?.state === 'occupied', 'the inspection lifted');
      kiosk.kill('SIGKILL');
      await new Promise((resolve) => kiosk.once('exit', resolve));
      const after = bus.sim.boards()[0]!.locks.map((l) => l.pulses);
      const pulsed = config.compartments
        .filter((c) => after[c.lock - 1]! > before[c.lock - 1]!)
        .map((c) => `${c.id}×${after[c.lock - 1]! - before[c.lock - 1]!}`)
        .join(', ');
      const broken = checkInvariants(db, deviceKeys.publicKey, { skipSignatures: true });
      matrix.push({
        fault: 'SIGKILL mid-deposit, board deaf at restart',
        journey: 'deposit',
        outcome: `unknown → inspection → deposited in ${id}`,
        pulsed,
        holds: broken.length === 0 ? 'yes' : broken.join('; '),
      });
      expect(broken).toEqual([]);
      expect(pulsed).toBe(`${id}×1`);
      db.close();
    } finally {
      await bus.close();
    }
  }, 30_000);

  it('a door that bounced open still gets its pulse and the pickup is recorded', async () => {
    stand = await Stand.start('kerong-cu16');
    const s = stand;
    const { id } = await depositStarted(s);
    await s.putInAndClose(id);
    await until(() => s.parcel('p1')?.state === 'deposited', 'the deposit');
    s.bus.sim.openDoor(0, s.lock(id)); // the latch gave way
    await until(() => s.compartment(id).doorOpen === true, 'the bounce seen');
    const before = s.pulses();
    expect((await s.core.pickups.withCode('123456', 'code')).ok).toBe(true);
    await s.takeOutAndClose(id);
    await until(() => s.parcel('p1')?.state === 'picked_up', 'the pickup');
    record(s, {
      fault: 'door bounced open before the pickup',
      journey: 'pickup',
      outcome: 'picked up',
      pulsed: s.pulsedSince(before),
    });
    expect(s.pulsedSince(before)).toBe(`${id}×1`);
  });

  it('an item left inside: a pickup not taken stays, an item in an empty compartment takes it out', async () => {
    stand = await Stand.start('kerong-cu16');
    const s = stand;
    const { id } = await depositStarted(s);
    await s.putInAndClose(id);
    await until(() => s.parcel('p1')?.state === 'deposited', 'the deposit');
    const before = s.pulses();
    await s.core.pickups.withCode('123456', 'code');
    await s.putInAndClose(id); // the customer changed their mind: the parcel stays inside
    await until(() => listDoorOperations(s.db).length === 0, 'the pickup settled');
    expect(s.parcel('p1')?.state).toBe('deposited');
    s.bus.sim.setItem(0, s.lock('B3'), true); // something pushed into an empty compartment
    await until(() => s.compartment('B3').state === 'out_of_service', 'the foreign item');
    record(s, {
      fault: 'item left inside',
      journey: 'pickup not taken; item in empty B3',
      outcome: `p1 still in ${id}; B3 out of service`,
      pulsed: s.pulsedSince(before),
    });
  });

  it('a jammed latch: "door didn\'t open" is believed on a shut door after one reopen, one other door opens', async () => {
    stand = await Stand.start('kerong-cu16');
    const s = stand;
    for (const id of ['A2', 'B1']) s.core.staff.setOutOfService(staffer, id, 'test');
    s.bus.sim.setFault(0, 'jam', true);
    s.announce('p1', '123456');
    const before = s.pulses();
    const first = await s.core.deposits.start(courier, 'TRKp1');
    if (!first.ok) throw new Error(JSON.stringify(first.error));
    const reopened = await s.core.deposits.doorDidNotOpen(courier, first.value.operationId);
    expect(reopened.ok && reopened.value.compartmentId).toBe(first.value.compartmentId);
    s.bus.sim.setFault(0, 'jam', false);
    const next = await s.core.deposits.doorDidNotOpen(courier, first.value.operationId);
    if (!next.ok) throw new Error(JSON.stringify(next.error));
    await s.putInAndClose(next.value.compartmentId);
    await until(() => s.parcel('p1')?.state === 'deposited', 'the deposit');
    expect(s.compartment(first.value.compartmentId).state).toBe('out_of_service');
    record(s, {
      fault: 'jammed latch (board acknowledges)',
      journey: "deposit, courier: door didn't open",
      outcome: `${first.value.compartmentId} out of service; deposited in ${next.value.compartmentId}`,
      pulsed: s.pulsedSince(before),
    });
  });

  it('LCB24 behind an echoing adapter: the echo acknowledges nothing, the board does', async () => {
    stand = await Stand.start('lcb24');
    const s = stand;
    s.bus.sim.echo = true;
    const before = s.pulses();
    const { id, result } = await depositStarted(s);
    expect(result).toMatchObject({ ok: true });
    await s.putInAndClose(id);
    await until(() => s.parcel('p1')?.state === 'deposited', 'the deposit');
    record(s, {
      fault: 'echoing adapter (LCB24)',
      journey: 'deposit',
      outcome: `deposited in ${id}`,
      pulsed: s.pulsedSince(before),
    });
    expect(s.pulsedSince(before)).toBe(`${id}×1`);
  });

  it('LCB24 jam status through an echoing adapter: refused by the board, one other door', async () => {
    stand = await Stand.start('lcb24');
    const s = stand;
    s.bus.sim.echo = true;
    for (const id of ['A2', 'B1']) s.core.staff.setOutOfService(staffer, id, 'test');
    s.bus.sim.onExchange((e) => {
      // Only A1's latch is jammed: the fault is cleared once the board has refused it.
      if (e.request.kind === 'unlock' && e.request.lock === 1) s.bus.sim.setFault(0, 'jam', false);
    });
    s.bus.sim.setFault(0, 'jam', true);
    const before = s.pulses();
    const { id, result } = await depositStarted(s);
    expect(result).toMatchObject({ ok: true });
    expect(id).not.toBe('A1');
    await s.putInAndClose(id);
    await until(() => s.parcel('p1')?.state === 'deposited', 'the deposit');
    expect(s.compartment('A1').state).toBe('out_of_service');
    record(s, {
      fault: 'jam status SS=11 (LCB24, echoing adapter)',
      journey: 'deposit',
      outcome: `A1 out of service; deposited in ${id}`,
      pulsed: s.pulsedSince(before),
    });
    expect(s.pulsedSince(before)).toBe(`A1×1, ${id}×1`);
  });
});

const CHILD = fileURLToPath(new URL('./testSupport/serialKioskChild.ts', import.meta.url));
