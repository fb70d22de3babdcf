/**
 * One parser under fuzz: its random inputs, how to hand it one, and the loop that feeds it a
 * seeded stream of them, timing each, catching what it throws and tallying what it broke.
 */
import fc from 'fast-check';

/** What one input did to the parser. */
export interface Verdict {
  /** The parser refused the input (with a reason of its own) rather than acting on it. */
  rejected: boolean;
  /** A promise the input broke: a state change from a refused input, a wrong decode, … */
  violation?: string;
}

/** A parser behind its real handling path, opened once and fed many inputs in turn. */
export interface FuzzSubject<T> {
  handle(input: T): Verdict | Promise<Verdict>;
  /** Figures of its own (pulses counted, drops by reason, …). */
  figures?(): Record<string, unknown>;
  close(): Promise<void> | void;
}

export interface ParserFuzz<T> {
  name: string;
  /** Inputs in the default (npm test) run. */
  smallRuns: number;
  /** An input that takes longer than this to handle is a stall. */
  boundMs: number;
  input: fc.Arbitrary<T>;
  /**
   * A fresh subject after this many inputs (at a batch boundary, untimed), for a subject whose
   * checks cost more as what it stores grows (a store read whole after each accepted input):
   * without it 10⁶ inputs cost quadratic time. Its own figures are summed over the subjects.
   */
  freshEvery?: number;
  /** The input as a reader of the report needs it (hex, JSON), short. */
  show(input: T): string;
  open(): Promise<FuzzSubject<T>>;
}

export type FailureKind = 'crash' | 'stall' | 'violation';

export interface Failure {
  kind: FailureKind;
  /** Position in the seeded stream: replay with the same seed. */
  index: number;
  input: string;
  detail: string;
}

export interface ParserFigures {
  parser: string;
  seed: number;
  inputs: number;
  rejected: number;
  accepted: number;
  crashes: number;
  stalls: number;
  violations: number;
  boundMs: number;
  maxInputMs: number;
  elapsedMs: number;
  /** The first few failures, each with the input that caused it. */
  failures: Failure[];
  own?: Record<string, unknown>;
}

/** Inputs drawn per fc.sample call: each batch has its own seed, so any index can be replayed. */
export const BATCH = 1_000;
const KEPT_FAILURES = 5;

const clip = (text: string, max = 400): string =>
  text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;

function bounded<T>(work: Promise<T>, ms: number): Promise<T | 'stalled'> {
  let timer: NodeJS.Timeout | undefined;
  const stall = new Promise<'stalled'>((resolve) => {
    timer = setTimeout(() => resolve('stalled'), ms);
  });
  return Promise.race([work, stall]).finally(() => clearTimeout(timer));
}

/** The inputs of batch `batch` of a seeded run: the same seed gives the same inputs. */
export function batchInputs<T>(
  arbitrary: fc.Arbitrary<T>,
  seed: number,
  batch: number,
  n: number,
): T[] {
  return fc.sample(arbitrary, { seed: (seed + batch * 7919) | 0, numRuns: n });
}

export async function fuzzParser<T>(
  p: ParserFuzz<T>,
  runs: number,
  seed: number,
  onProgress: (done: number) => void = () => {},
): Promise<ParserFigures> {
  const started = performance.now();
  const figures: ParserFigures = {
    parser: p.name,
    seed,
    inputs: 0,
    rejected: 0,
    accepted: 0,
    crashes: 0,
    stalls: 0,
    violations: 0,
    boundMs: p.boundMs,
    maxInputMs: 0,
    elapsedMs: 0,
    failures: [],
  };
  const fail = (kind: FailureKind, index: number, input: T, detail: string) => {
    figures[kind === 'crash' ? 'crashes' : kind === 'stall' ? 'stalls' : 'violations'] += 1;
    if (figures.failures.length < KEPT_FAILURES) {
      figures.failures.push({ kind, index, input: clip(p.show(input)), detail: clip(detail) });
    }
  };
  let subject = await p.open();
  let own: Record<string, unknown> | undefined;
  let openedAt = 0;
  let isOpen = true;
  try {
    for (let batch = 0; figures.inputs < runs; batch++) {
      onProgress(figures.inputs);
      if (p.freshEvery !== undefined && figures.inputs - openedAt >= p.freshEvery) {
        own = sumFigures(own, subject.figures?.());
        isOpen = false;
        await subject.close();
        subject = await p.open();
        isOpen = true;
        openedAt = figures.inputs;
      }
      const inputs = batchInputs(p.input, seed, batch, Math.min(BATCH, runs - figures.inputs));
      for (const input of inputs) {
        const index = figures.inputs++;
        const t0 = performance.now();
        let verdict: Verdict | 'stalled';
        try {
          const handled = subject.handle(input);
          verdict = handled instanceof Promise ? await bounded(handled, p.boundMs) : handled;
        } catch (e) {
          fail('crash', index, input, (e as Error).stack ?? String(e));
          continue;
        }
        const ms = performance.now() - t0;
        figures.maxInputMs = Math.max(figures.maxInputMs, ms);
        if (verdict === 'stalled') {
          fail('stall', index, input, `not handled within ${p.boundMs} ms`);
          continue;
        }
        // A synchronous parser cannot be interrupted: a slow input is still a stall.
        if (ms > p.boundMs) fail('stall', index, input, `took ${ms.toFixed(0)} ms`);
        if (verdict.rejected) figures.rejected += 1;
        else figures.accepted += 1;
        if (verdict.violation !== undefined) fail('violation', index, input, verdict.violation);
      }
      // A turn of the loop between batches: timers, IPC and the watchdog's heartbeat run.
      await new Promise((resolve) => setImmediate(resolve));
    }
    own = sumFigures(own, subject.figures?.());
    if (own) figures.own = own;
  } finally {
    if (isOpen) await subject.close();
  }
  figures.maxInputMs = Math.round(figures.maxInputMs * 10) / 10;
  figures.elapsedMs = Math.round(performance.now() - started);
  return figures;
}

/** Two subjects' own figures as one: numbers added, records merged key by key. */
export function sumFigures(
  a: Record<string, unknown> | undefined,
  b: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  const sum: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const mine = sum[key];
    if (typeof value === 'number' && typeof mine === 'number') sum[key] = mine + value;
    else if (isRecord(value) && isRecord(mine)) sum[key] = sumFigures(mine, value);
    else sum[key] = value;
  }
  return sum;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Hex of bytes, for the report. */
export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
