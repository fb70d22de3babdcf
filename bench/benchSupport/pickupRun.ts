/**
 * Benchmark support: one scenario of the unlock benchmark. Customers type their codes through
 * the IPC handler table one after another (a short random pause between them, doors opening
 * and shutting meanwhile); each pickup is timed from the call to the moment the board side of
 * the pty reads the last byte of its unlock frame, and each is followed by a floor sample on
 * the same pty, so both see the same machine at the same moment.
 */
import { getParcel } from '../../src/main/store/parcels';
import { FloorProbe } from './floorProbe';
import { summarize, type Summary } from './stats';
import { FLOOR_LOCK, UnlockStand, type Pickup, type Scenario } from './unlockStand';

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
  /** Flushing only: pickups not counted because the outbox was already drained. */
  afterFlush: number;
  /**
   * Floor frames that never reached the board: the kiosk's driver, flushing its port before a
   * request, can discard a frame the probe wrote that socat had not read yet (see floorProbe).
   */
  floorLost: number;
  /** Pickups the kiosk refused (each a failure of the benchmark's promise), with the reason. */
  refused: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** mulberry32: the same pauses and order every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function pickUp(stand: UnlockStand, p: Pickup): Promise<number> {
  const startNs = process.hrtime.bigint();
  const opened = await stand.ipc.handlers['pickup:code']({ code: p.code, method: 'code' });
  if (!opened.ok)
    throw new Error(`pickup of ${p.parcelId} refused: ${JSON.stringify(opened.error)}`);
  const heardNs = await stand.witness.unlockHeard(p.address, startNs);
  return Number(heardNs - startNs) / 1e6;
}

async function allPickedUp(stand: UnlockStand, parcels: Pickup[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (parcels.some((p) => getParcel(stand.kiosk.db, p.parcelId)?.state !== 'picked_up')) {
    if (Date.now() > deadline) throw new Error('pickups did not complete within a minute');
    await sleep(50);
  }
}

export async function runScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  const stand = await UnlockStand.start({
    scenario: o.scenario,
    compartments: o.compartments,
    backlog: o.backlog,
  });
  const floor = new FloorProbe(stand.dir, stand.witness, FLOOR_LOCK);
  const random = prng(o.seed ?? 12);
  const unlockMs: number[] = [];
  const floorMs: number[] = [];
  let done = 0;
  let afterFlush = 0;
  let floorLost = 0;
  const refused: string[] = [];
  let unackedAtStart = -1;
  try {
    while (done < o.warmup + o.pickups) {
      const parcels = await stand.fill();
      if (unackedAtStart < 0 && o.scenario !== 'idle') await stand.appendBacklog(o.backlog);
      const order = [...parcels].sort(() => random() - 0.5);
      const round = order.slice(0, o.warmup + o.pickups - done);
      const opened = new Set(round);
      for (const p of round) {
        await sleep(20 + random() * 60);
        const counted = done >= o.warmup;
        if (counted && unackedAtStart < 0) unackedAtStart = stand.unacked();
        const draining = stand.unacked() > 0;
        const unlock = await pickUp(stand, p);
        if (typeof unlock === 'string') {
          refused.push(`${p.parcelId}: ${unlock}`);
          opened.delete(p);
          continue;
        }
        await sleep(5);
        const probe = await floor.sample();
        done += 1;
        if (!counted) continue;
        if (o.scenario === 'flushing' && !(draining && stand.unacked() > 0)) {
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
      afterFlush,
      floorLost,
      refused,
    };
  } finally {
    floor.close();
    await stand.close();
  }
}
