/**
 * Benchmark support: one scenario of the unlock benchmark. Customers type their codes through
 * the IPC handler table one after another (a short random pause between them, doors opening
 * and shutting meanwhile); each pickup is timed from the call to the moment the board side of
 * the pty reads the last byte of its unlock frame, and each is followed by a floor sample on
 * the same pty after the same kind of pause, so both see the same machine at about the same
 * moment and from the same state (a process that was waiting, not one already running).
 */
import { getParcel } from '../../src/main/store/parcels';
import { FloorProbe } from './floorProbe';
import { summarize, type Summary } from './stats';
import { FLOOR_LOCK, UnlockStand, type Pickup, type Scenario } from './unlockStand';
import { seededRandom } from '../../src/shared/node/testSupport/seededRandom';

export interface ScenarioOptions {
  scenario: Scenario;
  pickups: number;
  backlog: number;
  /** Deposited parcels at a time (each round fills the locker, then empties it). */
  compartments: number;
  /** Pickups at the start that warm the code paths up and are not counted. */
  warmup: number;
  seed?: number;
}

export interface ScenarioResult {
  scenario: Scenario;
  unlockMs: Summary;
  floorMs: Summary;
  /** unlock p50 / floor p50 and unlock p99 / floor p99. */
  ratio: { p50: number; p99: number };
  /** Unacked events when the counted pickups began and when they ended. */
  unacked: { atStart: number; atEnd: number };
  /** Flushing only: pickups not counted because the round's backlog was already drained. */
  afterFlush: number;
  /**
   * Floor frames that never reached the board: the kiosk's driver, flushing its port before a
   * request, can discard a frame the probe wrote that socat had not read yet (see floorProbe).
   */
  floorLost: number;
  /** Pickups the kiosk refused (each a failure of the benchmark's promise), with the reason. */
  refused: string[];
  /** Flushing only: backlog rounds flushed, and how fast the cloud acked them. */
  flush?: { rounds: number; ackedPerSecond: number | null };
  /** Chain or schema failures the cloud peer saw (flushing); any makes the run void. */
  cloudFailures: number;
  /** The simulated boards' scheduling priority ("raised" unless not permitted). */
  boardPriority: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A code typed through the IPC handler table; ms until the board read its unlock frame. */
export async function pickUp(stand: UnlockStand, p: Pickup): Promise<number> {
  const startNs = process.hrtime.bigint();
  const opened = await stand.ipc.handlers['pickup:code']({ code: p.code, method: 'code' });
  if (!opened.ok)
    throw new Error(`pickup of ${p.parcelId} refused: ${JSON.stringify(opened.error)}`);
  const heardNs = await stand.witness.unlockHeard(p.address, startNs);
  return Number(heardNs - startNs) / 1e6;
}

export async function allPickedUp(stand: UnlockStand, parcels: Pickup[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (parcels.some((p) => getParcel(stand.kiosk.db, p.parcelId)?.state !== 'picked_up')) {
    if (Date.now() > deadline) throw new Error('pickups did not complete within a minute');
    await sleep(50);
  }
}

export async function runScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  const stand = await UnlockStand.start({ scenario: o.scenario, compartments: o.compartments });
  const floor = new FloorProbe(stand.dir, stand.witness, FLOOR_LOCK);
  const random = seededRandom(o.seed ?? 12);
  const unlockMs: number[] = [];
  const floorMs: number[] = [];
  const refused: string[] = [];
  let [done, afterFlush, floorLost, unackedAtStart] = [0, 0, 0, -1];
  const flush = new FlushRounds(stand, o);
  // Flushing: pickups after a round's backlog is drained do not count; stop somewhere anyway.
  const most = o.warmup + 5 * o.pickups;
  try {
    while (unlockMs.length < o.pickups && done < most) {
      const parcels = await stand.fill();
      const order = [...parcels].sort(() => random() - 0.5);
      const opened = new Set<Pickup>();
      for (const p of order) {
        if (unlockMs.length >= o.pickups || done >= most) break;
        await flush.ensureBacklog();
        await sleep(20 + random() * 60);
        const counted = done >= o.warmup;
        if (counted && unackedAtStart < 0) unackedAtStart = stand.unacked();
        const unlock = await pickUp(stand, p);
        done += 1;
        if (typeof unlock === 'string') {
          refused.push(`${p.parcelId}: ${unlock}`);
          continue;
        }
        opened.add(p);
        // Judged as the pickup ends: was the backlog still draining the whole time?
        const duringFlush = flush.stillDraining();
        // The same pause as before a pickup: both start from a process that was waiting.
        await sleep(20 + random() * 60);
        const probe = await floor.sample();
        if (!counted) continue;
        if (!duringFlush) {
          afterFlush += 1;
          continue;
        }
        unlockMs.push(unlock);
        if (probe === null) floorLost += 1;
        else floorMs.push(probe);
      }
      await allPickedUp(stand, [...opened]);
    }
    const u = summarize(unlockMs);
    const f = summarize(floorMs);
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    return {
      scenario: o.scenario,
      unlockMs: u,
      floorMs: f,
      ratio: { p50: ratio(u.p50, f.p50), p99: ratio(u.p99, f.p99) },
      unacked: { atStart: unackedAtStart, atEnd: stand.unacked() },
      ...(o.scenario === 'flushing' ? { flush: flush.summary() } : {}),
      afterFlush,
      floorLost,
      refused,
      cloudFailures: stand.cloudFailures,
      boardPriority: stand.witness.priority,
    };
  } finally {
    floor.close();
    await stand.close();
  }
}

/**
 * The backlog of a scenario. Backlog: put in once, never sent. Flushing: put in while the link
 * is down, then the link comes up and drains it; once drained, the next round starts the same
 * way, so every counted pickup happens while a backlog of that size is being flushed.
 */
class FlushRounds {
  private head = 0;
  private rounds: { startedAt: number; from: number; to: number; endedAt?: number }[] = [];

  constructor(
    private readonly stand: UnlockStand,
    private readonly o: ScenarioOptions,
  ) {}

  async ensureBacklog(): Promise<void> {
    if (this.o.scenario === 'idle') return;
    if (this.o.scenario === 'backlog') {
      if (this.head === 0) {
        await this.stand.appendBacklog(this.o.backlog);
        this.head = this.stand.head();
      }
      return;
    }
    if (this.head > 0 && this.stand.acked() < this.head) return;
    const last = this.rounds.at(-1);
    if (last && last.endedAt === undefined) last.endedAt = performance.now();
    await this.stand.goOffline();
    await this.stand.appendBacklog(this.o.backlog);
    this.head = this.stand.head();
    this.rounds.push({ startedAt: performance.now(), from: this.stand.acked(), to: this.head });
    this.stand.goOnline();
  }

  /** Whether this scenario's condition still held when a pickup ended. */
  stillDraining(): boolean {
    if (this.o.scenario !== 'flushing') return true;
    const round = this.rounds.at(-1);
    const acked = this.stand.acked();
    if (round && acked >= round.to && round.endedAt === undefined)
      round.endedAt = performance.now();
    return acked < this.head;
  }

  /** Rounds flushed, and the rate the cloud acked the finished ones at. */
  summary(): { rounds: number; ackedPerSecond: number | null } {
    const finished = this.rounds.filter((r) => r.endedAt !== undefined);
    const events = finished.reduce((n, r) => n + (r.to - r.from), 0);
    const seconds = finished.reduce((t, r) => t + (r.endedAt! - r.startedAt) / 1000, 0);
    return {
      rounds: this.rounds.length,
      ackedPerSecond: seconds > 0 ? Math.round(events / seconds) : null,
    };
  }
}
