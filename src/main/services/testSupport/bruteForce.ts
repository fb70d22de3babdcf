/**
 * Keypad brute force against the real code check (Pickups.withCode → Codes → the persisted
 * throttle of core/codeThrottle.ts), on a locker holding many deposited parcels, with a fake
 * clock. Shared by bruteForce.test.ts and bench/bruteForce.ts.
 *
 * The attacker knows the policy (the source is public) and what the screen tells them (wrong
 * code, or "try again in N s"). Strategies:
 *   - greedy: try whenever the keypad accepts a code;
 *   - paced(m): never let the window hold more than m of their failures (m = freeAttempts − 1
 *     stays below the throttle entirely);
 *   - either one, plus quiet(k): after the k-th imposed delay, wait out the quiet reset.
 */
import type { MemoryLockBoard } from '../../core/memoryLockBoard';
import type { KioskCore } from '../kioskCore';
import { digestOf, smallLockerConfig, startFixture, type FakeClock } from './kioskFixture';
import type { KioskConfig } from '../../config/kioskConfig';

export const DAY_MS = 86_400_000;

export interface Strategy {
  /** Most failures the attacker lets the throttle window hold (null: no pacing). */
  pace: number | null;
  /** After this many imposed delays, wait for the quiet reset (null: never). */
  quietAfter: number | null;
}

export const strategyName = (s: Strategy): string =>
  `${s.pace === null ? 'greedy' : `paced(${s.pace} per window)`}${s.quietAfter === null ? '' : `, quiet reset after ${s.quietAfter} delays`}`;

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Locker {
  core: KioskCore;
  board: MemoryLockBoard;
  clock: FakeClock;
  config: KioskConfig;
  /** The real pickup codes of the parcels inside. */
  codes: Set<string>;
  /** Unlocks done while filling the locker (the attack must add none). */
  unlocksBefore: number;
  close(): Promise<void>;
}

/** A locker with `parcels` single-size compartments, each holding a deposited parcel. */
export async function lockerWithParcels(parcels = 100, codeLength = 6, seed = 1): Promise<Locker> {
  const base = smallLockerConfig();
  const compartments = Array.from({ length: parcels }, (_, i) => ({
    id: `${String.fromCharCode(65 + Math.floor(i / 20))}${(i % 20) + 1}`,
    board: Math.floor(i / 20),
    lock: (i % 20) + 1,
    size: 'M' as const,
    inner: { lengthMm: 600, widthMm: 400, heightMm: 190 },
    maxWeightG: 20_000,
    lowerDoor: false,
  }));
  const config: KioskConfig = { ...base, compartments, policy: { ...base.policy, codeLength } };
  const { core, board, clock, db } = await startFixture({ config });
  const random = prng(seed);
  const codes = new Set<string>();
  const courier = { role: 'courier' as const, subject: 'bf-courier' };
  while (codes.size < parcels) {
    const code = String(Math.floor(random() * 10 ** codeLength)).padStart(codeLength, '0');
    if (codes.has(code)) continue;
    codes.add(code);
    const id = `bf-${codes.size}`;
    core.announcements.expectParcel({
      parcelId: id,
      trackingBarcode: `TRK-${id}`,
      dimensions: { lengthMm: 300, widthMm: 200, heightMm: 100 },
      weightG: 500,
      codeDigest: digestOf(code),
    });
    const started = await core.deposits.start(courier, `TRK-${id}`);
    if (!started.ok) throw new Error(`deposit ${id}: ${JSON.stringify(started.error)}`);
    const c = compartments.find((x) => x.id === started.value.compartmentId)!;
    await core.settled();
    board.closeDoor(c);
    await core.settled();
  }
  const deposited = db
    .prepare(`SELECT count(*) AS n FROM parcels WHERE state = 'deposited'`)
    .get() as { n: number };
  if (deposited.n !== parcels) throw new Error(`only ${deposited.n} parcels deposited`);
  return {
    core,
    board,
    clock,
    config,
    codes,
    unlocksBefore: board.unlocked.length,
    close: async () => {
      await core.close();
      db.close();
    },
  };
}

export interface AttackResult {
  /** Codes the kiosk actually checked (answered "wrong code" or opened). */
  attempts: number;
  /** Answers "try again later". */
  throttled: number;
  /** Doors opened by a guess. */
  opened: number;
  /** Guesses answered with anything but "wrong code" or "throttled" (never expected). */
  other: string[];
}

/**
 * Runs the attacker for `durationMs` of simulated time. `guess` yields the next code to type;
 * the attacker never repeats one.
 */
export async function attack(
  locker: Locker,
  strategy: Strategy,
  durationMs: number,
  guess: () => string,
): Promise<AttackResult> {
  const { core, clock, config } = locker;
  const policy = config.policy.codeThrottle;
  const windowMs = policy.windowSec * 1000;
  const end = clock.now() + durationMs;
  const result: AttackResult = { attempts: 0, throttled: 0, opened: 0, other: [] };
  const failures: number[] = [];
  let delays = 0;
  // A broken throttle would let a fake-clock attacker type forever in the same millisecond.
  const maxAttempts = 10_000;
  while (clock.now() < end && result.attempts < maxAttempts) {
    const now = clock.now();
    // Pacing: wait until the window holds fewer than `pace` of our failures.
    if (strategy.pace !== null) {
      const recent = failures.filter((t) => t > now - windowMs);
      if (recent.length >= strategy.pace) {
        clock.advance(recent[recent.length - strategy.pace]! + windowMs - now + 1);
        continue;
      }
    }
    const r = await core.pickups.withCode(guess(), 'code');
    if (r.ok) {
      result.attempts++;
      result.opened++;
      continue;
    }
    if (r.error.reason === 'throttled') {
      result.throttled++;
      clock.advance(r.error.retryAfterMs);
      continue;
    }
    if (r.error.reason !== 'code_invalid') {
      result.other.push(r.error.reason);
      continue;
    }
    result.attempts++;
    failures.push(now);
    // The screen shows the countdown at once when this failure imposed a delay.
    if (core.codes.retryAfterMs() > 0) {
      delays++;
      if (strategy.quietAfter !== null && delays >= strategy.quietAfter) {
        clock.advance(policy.quietResetSec * 1000);
        delays = 0;
      }
    }
  }
  return result;
}

/** Guesses in counting order, skipping the real codes: the dry runs never open a door. */
export function countingGuesses(codes: ReadonlySet<string>, length: number): () => string {
  let n = 0;
  return () => {
    let code: string;
    do code = String(n++ % 10 ** length).padStart(length, '0');
    while (codes.has(code));
    return code;
  };
}

/** Random distinct guesses (seeded); `avoid` real codes so the count stays comparable. */
export function randomGuesses(
  seed: number,
  length: number,
  avoid: ReadonlySet<string> = new Set(),
): () => string {
  const random = prng(seed);
  const used = new Set<string>();
  return () => {
    let code: string;
    do code = String(Math.floor(random() * 10 ** length)).padStart(length, '0');
    while (used.has(code) || avoid.has(code));
    used.add(code);
    return code;
  };
}

/** P(at least one of `attempts` distinct guesses hits one of `parcels` distinct codes of `length` digits). */
export function successProbability(attempts: number, parcels: number, length: number): number {
  const space = 10 ** length;
  let logMiss = 0;
  for (let i = 0; i < attempts; i++) logMiss += Math.log1p(-parcels / (space - i));
  return -Math.expm1(logMiss);
}

/** Greedy and paced(5), each with every quiet-reset point; paced(4) never meets a delay. */
export const STRATEGIES: Strategy[] = [
  ...[null, 5].flatMap((pace) =>
    [null, 1, 2, 3, 4, 5, 6, 7, 8].map((quietAfter) => ({ pace, quietAfter })),
  ),
  { pace: 4, quietAfter: null },
  { pace: 3, quietAfter: null },
];

export interface BruteForceReport {
  parcels: number;
  byStrategy: { strategy: string; attempts: number }[];
  best: Strategy;
  attemptsPer24h: number;
}

/** Every strategy, 24 h each, against a fresh locker (the throttle starts clean). */
export async function compareStrategies(
  parcels = 100,
  strategies = STRATEGIES,
): Promise<BruteForceReport> {
  const byStrategy: { strategy: string; attempts: number; s: Strategy }[] = [];
  for (const s of strategies) {
    const locker = await lockerWithParcels(parcels);
    try {
      const r = await attack(locker, s, DAY_MS, countingGuesses(locker.codes, 6));
      if (r.opened > 0 || r.other.length > 0)
        throw new Error(`dry run opened a door or failed: ${JSON.stringify(r)}`);
      byStrategy.push({ strategy: strategyName(s), attempts: r.attempts, s });
    } finally {
      await locker.close();
    }
  }
  const best = byStrategy.reduce((a, b) => (b.attempts > a.attempts ? b : a));
  return {
    parcels,
    byStrategy: byStrategy.map(({ strategy, attempts }) => ({ strategy, attempts })),
    best: best.s,
    attemptsPer24h: best.attempts,
  };
}

/**
 * A sound upper bound on the codes the default policy lets anyone check in `durationMs`,
 * whatever the strategy:
 *   - a failure imposes no delay only at level 0 with fewer than `freeAttempts` failures in the
 *     window, so a fixed slot of `windowSec` holds at most `freeAttempts − 1` of them;
 *   - every other failure imposes a delay, 30 s doubling to 30 min within an episode, and the
 *     level resets only after `quietResetSec` without failures; the most delayed failures fit
 *     into the duration when episodes of j delays (taking the first j − 1 delays' time) are
 *     separated by quiet periods — maximised over j by a small knapsack.
 * The two counts are added, as if free and delayed attempts never shared time: loose but safe.
 */
export function attemptBound(
  policy: KioskConfig['policy']['codeThrottle'],
  durationMs: number,
): { free: number; delayed: number; total: number } {
  const seconds = Math.ceil(durationMs / 1000);
  const free = (policy.freeAttempts - 1) * (Math.ceil(seconds / policy.windowSec) + 1);
  const delay = (i: number) => Math.min(policy.firstDelaySec * 2 ** i, policy.maxDelaySec);
  // best[t] = most delayed failures that fit in t seconds (episodes + quiet gaps).
  const maxEpisode = 200;
  const episodeCost = [0, 0]; // episodeCost[j]: seconds the first j − 1 delays take
  for (let j = 2; j <= maxEpisode; j++) episodeCost.push(episodeCost[j - 1]! + delay(j - 2));
  const step = 30; // seconds; costs are rounded down, which only raises the bound
  const slots = Math.ceil(seconds / step);
  const best = new Array<number>(slots + 1).fill(0);
  for (let t = 0; t <= slots; t++) {
    for (let j = 1; j <= maxEpisode && episodeCost[j]! <= t * step; j++) {
      const withGap = t - Math.floor((episodeCost[j]! + policy.quietResetSec) / step);
      best[t] = Math.max(best[t]!, j, withGap >= 0 ? j + best[withGap]! : 0);
    }
  }
  const delayed = best[slots]!;
  return { free, delayed, total: free + delayed };
}
