/**
 * Kiosk memory: RSS and heap (after a full collection) of this process before the kiosk starts
 * (the floor: Node, the loader and the kiosk's modules), after a warm-up of deposit + pickup
 * cycles, and then every tenth of N further cycles, with the heap's growth per 1,000 cycles
 * (a least-squares slope over the second half of those readings: the trend once caches and
 * compiled code have settled). Goal: the heap flat (that slope under 0.1 MB per 1,000 cycles,
 * and no more than 1 MB above the warm-up reading at the end). Prints one line per reading,
 * then as its LAST line one JSON object:
 *   { floor, warm, end: { rssMb, heapUsedMb }, readings, heapSlopeMbPer1000, cycles, … }
 *
 *   npm run bench -- memory [--cycles N] [--warmup N]      (defaults 2,000 and 2,000)
 */
import { parseArgs } from 'node:util';
import { CyclingKiosk, readMemory, type MemoryReading } from './benchSupport/memoryRun';

const GOAL = { heapSlopeMbPer1000: 0.1, heapGrowthMb: 1 };

const { values } = parseArgs({
  options: {
    cycles: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '2000' },
  },
});
const cycles = Number(values.cycles);
const warmup = Number(values.warmup);
if (!Number.isInteger(cycles) || cycles < 10) throw new Error('--cycles must be 10 or more');
if (!Number.isInteger(warmup) || warmup < 0) throw new Error('--warmup must be 0 or more');

const floor = readMemory();
console.log(`floor   rss ${floor.rssMb} MB, heap ${floor.heapUsedMb} MB (before the kiosk starts)`);
const kiosk = await CyclingKiosk.start();
const started = performance.now();
for (let i = 0; i < warmup; i++) await kiosk.cycle();
const warm = readMemory();
console.log(`warm    rss ${warm.rssMb} MB, heap ${warm.heapUsedMb} MB after ${warmup} cycles`);

const readings: (MemoryReading & { cycles: number })[] = [{ cycles: 0, ...warm }];
const step = Math.ceil(cycles / 10);
for (let done = 0; done < cycles;) {
  const next = Math.min(cycles, done + step);
  for (; done < next; done++) await kiosk.cycle();
  const reading = { cycles: done, ...readMemory() };
  readings.push(reading);
  console.log(
    `${String(done).padStart(7)} rss ${reading.rssMb} MB, heap ${reading.heapUsedMb} MB, external ${reading.externalMb} MB`,
  );
}
const seconds = (performance.now() - started) / 1000;
await kiosk.close();

/** Least-squares slope of the heap over cycles, per 1,000 cycles. */
function slopePer1000(points: readonly { cycles: number; heapUsedMb: number }[]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.cycles, 0) / n;
  const my = points.reduce((s, p) => s + p.heapUsedMb, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.cycles - mx) * (p.heapUsedMb - my), 0);
  const sxx = points.reduce((s, p) => s + (p.cycles - mx) ** 2, 0);
  return Math.round((sxy / sxx) * 1000 * 1000) / 1000;
}

const end = readings.at(-1)!;
const heapSlopeMbPer1000 = slopePer1000(readings.slice(Math.floor(readings.length / 2)));
const heapGrowthMb = Math.round((end.heapUsedMb - warm.heapUsedMb) * 100) / 100;
console.log(
  JSON.stringify({
    goal: GOAL,
    floor,
    warm,
    end: { rssMb: end.rssMb, heapUsedMb: end.heapUsedMb },
    readings,
    heapSlopeMbPer1000,
    heapGrowthMb,
    cycles,
    warmup,
    cyclesPerSecond: Math.round((cycles + warmup) / seconds),
    meetsGoal: heapSlopeMbPer1000 <= GOAL.heapSlopeMbPer1000 && heapGrowthMb <= GOAL.heapGrowthMb,
  }),
);
