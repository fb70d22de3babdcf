/**
 * Soak drill: deposit + pickup cycles on a whole kiosk (startKiosk, the real serial driver on a
 * pty to lock boards in their own process, a real SQLite file, the IPC handler table for every
 * deposit and pickup, a screen listening to the event feed) with its cloud link draining to a
 * verifying, acking cloud peer through Mosquitto. The kiosk's clock skips a day (and an hour)
 * at every tenth of the run, so acknowledged events age past the retention (1 day here) and
 * pruning has to keep the log short. What must hold:
 *  - RSS flat: after the warm-up, RSS (after a full collection) grows less than 5 MB per 10,000
 *    cycles (the fitted line through the readings after the first tenth, over max(cycles,
 *    10,000): a short run may not grow 5 MB at all);
 *    and so do the buffers held outside the heap (`external`), which RSS follows only later;
 *  - the event log bounded: pruning ran, and the rows kept in the second half of the run are
 *    no more than 1.5× the most kept in the first half (plus 500);
 *  - p99 code→unlock unchanged: the last tenth's p99 within 1.5× the first tenth's (+3 ms),
 *    scaled by how much the floor (an fsync'd commit + a frame on the same pty, sampled after
 *    every pickup) itself moved: a busier machine is not a slower kiosk;
 *  - every pickup and deposit accepted, and the cloud peer saw no chain or schema failure.
 *
 *   npm run drill -- soak [--cycles 300] [--compartments 30] [--warmup N]     (full: --full,
 *   100,000 cycles on 150 compartments)
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { FloorProbe } from '../benchSupport/floorProbe';
import { readMemory, type MemoryReading } from '../benchSupport/memoryRun';
import { allPickedUp, pickUp } from '../benchSupport/pickupRun';
import { summarize } from '../benchSupport/stats';
import { FLOOR_LOCK, UnlockStand } from '../benchSupport/unlockStand';
import { countEvents } from '../../src/main/store/events';
import { courierLogin } from './drillSupport/courierLogin';
import { MovingClock } from './drillSupport/movingClock';

const { values } = parseArgs({
  options: {
    cycles: { type: 'string' },
    compartments: { type: 'string' },
    warmup: { type: 'string' },
    full: { type: 'boolean', default: false },
  },
});
const cycles = Number(values.cycles ?? (values.full ? 100_000 : 300));
const compartments = Number(values.compartments ?? (values.full ? 150 : 30));
const warmup = Number(values.warmup ?? Math.max(compartments, Math.min(2_000, cycles / 10)));
if (![cycles, compartments, warmup].every((n) => Number.isInteger(n) && n > 0))
  throw new Error('--cycles, --compartments and --warmup are positive integers');
const DAY_MS = 86_400_000;
const tenth = Math.ceil(cycles / 10);
const started = performance.now();

const clock = new MovingClock();
const stand = await UnlockStand.start({
  scenario: 'flushing',
  compartments,
  // Long enough that the driver's poll (250 ms) sees every door open, even on a machine so busy
  // that a poll comes late (a door shut before it was ever seen open is, rightly, jammed).
  swapAfterMs: 2500,
  clock,
  policy: { eventRetentionDays: 1, maxClockStepSec: 366 * 86_400 },
});
stand.goOnline();
const floor = new FloorProbe(stand.dir, stand.witness, FLOOR_LOCK);
const { ipc, kiosk } = stand;

type Reading = MemoryReading & { cycles: number; eventRows: number; unacked: number };
const readings: Reading[] = [];
// Samples go in arrays made before the baseline: samples kept in growing lists would be this
// process's own growth, counted against the kiosk's (0.4 MB per 10,000 cycles).
const unlockMs = new Float64Array(cycles).fill(NaN);
const floorMs = new Float64Array(cycles).fill(NaN);
const refused: string[] = [];
let done = 0;
/** Cycles done when the warm-up (whole rounds) ended. */
let warmedAt = 0;
let pruned = 0;

async function round(): Promise<void> {
  await courierLogin(ipc, stand.cloudPrivateKey, clock.now());
  const n = Math.min(compartments, warmup + cycles - done);
  const parcels = await stand.fill(n, (barcode) => ipc.handlers['deposit:start']({ barcode }));
  for (const p of parcels) {
    try {
      const ms = await pickUp(stand, p);
      const cycle = done - warmup;
      if (cycle >= 0) unlockMs[cycle] = ms;
      // The floor is compared in the first and last tenths only: sampled there.
      if (cycle < tenth || cycle >= cycles - tenth) {
        const f = await floor.sample();
        if (cycle >= 0 && f !== null) floorMs[cycle] = f;
      }
    } catch (e) {
      refused.push(`${p.parcelId}: ${(e as Error).message}`);
    }
    done += 1;
  }
  await allPickedUp(stand, parcels);
}

/** A day and an hour on: what the cloud acked before now is past the retention; pruned. */
async function nextDay(): Promise<void> {
  clock.skip(DAY_MS + 3_600_000);
  const before = countEvents(kiosk.db);
  await kiosk.core.tick();
  await kiosk.core.settled();
  pruned += Math.max(0, before - countEvents(kiosk.db));
}

function read(): Reading {
  return {
    cycles: done - warmedAt,
    ...readMemory(),
    eventRows: countEvents(kiosk.db),
    unacked: stand.unacked(),
  };
}

let failed: string | null = null;
try {
  while (done < warmup) await round();
  // The baseline is read as every later reading is: just after a day skipped and its pruning.
  await nextDay();
  warmedAt = done;
  readings.push(read());
  console.log(`warm    ${JSON.stringify(readings[0])}`);
  while (done < warmup + cycles) {
    const next = Math.min(warmup + cycles, done + tenth);
    while (done < next) await round();
    await nextDay();
    const r = read();
    readings.push(r);
    console.log(`${String(r.cycles).padStart(7)} ${JSON.stringify(r)}`);
  }
} catch (e) {
  failed = (e as Error).stack ?? String(e);
  console.log(`FAIL ${failed}`);
} finally {
  floor.close();
}
const cloudFailures = stand.cloudFailures;
const boardPriority = stand.witness.priority;
await stand.close();

const tenthOf = (samples: Float64Array, first: boolean) =>
  summarize(
    [...(first ? samples.subarray(0, tenth) : samples.subarray(cycles - tenth))].filter(
      (ms) => !Number.isNaN(ms),
    ),
  );
const unlock = { first: tenthOf(unlockMs, true), last: tenthOf(unlockMs, false) };
const floorTenths = { first: tenthOf(floorMs, true), last: tenthOf(floorMs, false) };
const floorMoved = Math.max(1, floorTenths.last.p99 / floorTenths.first.p99);
const p99AllowedMs = Math.round((unlock.first.p99 * floorMoved * 1.5 + 3) * 100) / 100;
const warm = readings[0];
const end = readings.at(-1);
/**
 * Growth over the run as the least-squares line through the readings after the first tenth
 * says (the warm-up leaves RSS high until the allocator gives pages back, so end minus warm
 * would hide a trend), per 10,000 cycles over max(cycles, 10,000): a short run is judged on what
 * it grew, not on its noise scaled up.
 */
function growthPer10k(key: 'rssMb' | 'externalMb'): { fittedMb: number; per10kMb: number } {
  const points = readings.slice(1);
  if (points.length < 2) return { fittedMb: NaN, per10kMb: NaN };
  const mx = points.reduce((s, p) => s + p.cycles, 0) / points.length;
  const my = points.reduce((s, p) => s + p[key], 0) / points.length;
  const sxy = points.reduce((s, p) => s + (p.cycles - mx) * (p[key] - my), 0);
  const sxx = points.reduce((s, p) => s + (p.cycles - mx) ** 2, 0);
  const fittedMb = (sxy / sxx) * (points.at(-1)!.cycles - points[0]!.cycles);
  const round = (mb: number) => Math.round(mb * 100) / 100;
  return {
    fittedMb: round(fittedMb),
    per10kMb: round((fittedMb / Math.max(cycles, 10_000)) * 10_000),
  };
}
const rssGrowth = growthPer10k('rssMb');
const externalGrowth = growthPer10k('externalMb');
const half = Math.ceil(readings.length / 2);
const keptFirstHalf = Math.max(...readings.slice(0, half).map((r) => r.eventRows));
const keptSecondHalf = Math.max(...readings.slice(half).map((r) => r.eventRows));
const checks = {
  ran: failed === null && refused.length === 0 && cloudFailures === 0,
  rssFlat: rssGrowth.per10kMb < 5,
  externalFlat: externalGrowth.per10kMb < 5,
  eventLogBounded: pruned > 0 && keptSecondHalf <= keptFirstHalf * 1.5 + 500,
  p99Unchanged: unlock.last.p99 <= p99AllowedMs,
};
const held = Object.values(checks).every(Boolean);
console.log(
  JSON.stringify({
    held,
    checks,
    cycles,
    warmup,
    compartments,
    rss: { warmMb: warm?.rssMb, endMb: end?.rssMb, ...rssGrowth },
    external: { warmMb: warm?.externalMb, endMb: end?.externalMb, ...externalGrowth },
    eventLog: {
      pruned,
      keptFirstHalf,
      keptSecondHalf,
      atEnd: end?.eventRows,
      unackedAtEnd: end?.unacked,
    },
    unlockMs: unlock,
    floorMs: floorTenths,
    p99AllowedMs,
    readings,
    refused: refused.slice(0, 5),
    refusedCount: refused.length,
    cloudFailures,
    failed,
    boardPriority,
    cyclesPerSecond: Math.round((done / ((performance.now() - started) / 1000)) * 10) / 10,
    seconds: Math.round((performance.now() - started) / 1000),
    cores: cpus().length,
    loadAverage: loadavg()[0],
  }),
);
process.exit(held ? 0 : 1);
