/**
 * Keypad brute force against the real code check (Pickups/Returns.withCode → Codes → the
 * persisted throttle of core/codeThrottle.ts), on a locker holding many deposited parcels, with
 * a fake clock. Shared by bruteForce.test.ts and bench/bruteForce.ts.
 *
 * The attacker knows the policy (the source is public) and what the screen tells them (wrong
 * code, or "try again in N s"). Strategies:
 *   - greedy: try whenever the keypad accepts a code;
 *   - paced(d): keep the throttle's debt at most d, so the keypad never makes them wait;
 *   - holder(h, n): after every n wrong codes, type a code of their own that matches but opens
 *     nothing new (h: their own expired parcel, their own door held open, a return code while
 *     no compartment is free), as once reset the throttle.
 */
import { qrPayload } from '../../../shared/qrToken';
import { debtAt, initialThrottle, recordFailure } from '../../core/codeThrottle';
import type { MemoryLockBoard } from '../../core/memoryLockBoard';
import type { KioskCore } from '../kioskCore';
import {
  digestOf,
  mediumCompartments,
  smallLockerConfig,
  startFixture,
  type FakeClock,
} from './kioskFixture';
import type { KioskConfig } from '../../config/kioskConfig';
import { seededRandom } from '../../../shared/node/testSupport/seededRandom';

export const DAY_MS = 86_400_000;

export type Holder = 'expired_parcel' | 'open_door' | 'return_no_space';

export type Strategy =
  | { kind: 'greedy' }
  /** Greedy, typing guesses as return codes (the same keypad, the same throttle). */
  | { kind: 'return_codes' }
  | { kind: 'paced'; debt: number }
  | { kind: 'holder'; holder: Holder; every: number };

export const strategyName = (s: Strategy): string =>
  s.kind === 'greedy'
    ? 'greedy'
    : s.kind === 'return_codes'
      ? 'greedy, as return codes'
      : s.kind === 'paced'
        ? `paced (debt kept at most ${s.debt})`
        : `${s.every} wrong, then their own ${s.holder.replaceAll('_', ' ')} code`;

export interface Locker {
  core: KioskCore;
  board: MemoryLockBoard;
  clock: FakeClock;
  config: KioskConfig;
  /** The real pickup codes of the parcels inside. */
  codes: Set<string>;
  /** Codes of the attacker's own that match but open nothing new, by kind. */
  own: Record<Holder, string>;
  /** Every code in play (the parcels' and the attacker's): dry-run guesses avoid them all. */
  allCodes(): Set<string>;
  /** Unlocks done while filling the locker (the attack must add none). */
  unlocksBefore: number;
  close(): Promise<void>;
}

/**
 * A locker with `parcels` single-size compartments, each holding a deposited parcel (held 30
 * days), and what an attacker may own there: an expired parcel, a parcel whose door they hold
 * open, and a return code while no compartment is free.
 */
export async function lockerWithParcels(parcels = 100, codeLength = 6, seed = 1): Promise<Locker> {
  const base = smallLockerConfig();
  const compartments = mediumCompartments(parcels + 2, 20);
  const config: KioskConfig = { ...base, compartments, policy: { ...base.policy, codeLength } };
  const { core, board, clock, db } = await startFixture({ config });
  const random = seededRandom(seed);
  const used = new Set<string>();
  const freshCode = () => {
    let code: string;
    do code = String(Math.floor(random() * 10 ** codeLength)).padStart(codeLength, '0');
    while (used.has(code));
    used.add(code);
    return code;
  };
  const courier = { role: 'courier' as const, subject: 'bf-courier' };
  const depositParcel = async (id: string, code: string, holdDays: number) => {
    core.announcements.expectParcel({
      parcelId: id,
      trackingBarcode: `TRK-${id}`,
      dimensions: { lengthMm: 300, widthMm: 200, heightMm: 100 },
      weightG: 500,
      codeDigest: digestOf(code),
      qrDigest: digestOf(qrOf(code)),
      holdDays,
    });
    const started = await core.deposits.start(courier, `TRK-${id}`);
    if (!started.ok) throw new Error(`deposit ${id}: ${JSON.stringify(started.error)}`);
    const c = compartments.find((x) => x.id === started.value.compartmentId)!;
    await core.settled();
    board.closeDoor(c);
    await core.settled();
    return c;
  };
  const codes = new Set<string>();
  while (codes.size < parcels) {
    const code = freshCode();
    codes.add(code);
    await depositParcel(`bf-${codes.size}`, code, 30);
  }
  const own: Record<Holder, string> = {
    expired_parcel: freshCode(),
    open_door: freshCode(),
    return_no_space: freshCode(),
  };
  await depositParcel('own-expired', own.expired_parcel, 1);
  await depositParcel('own-open', own.open_door, 30);
  core.announcements.expectReturn({
    returnId: 'own-return',
    size: 'M',
    codeDigest: digestOf(own.return_no_space),
  });
  clock.advance(DAY_MS + 60_000);
  await core.tick();
  const opened = await core.pickups.withCode(own.open_door, 'code'); // and never closed
  if (!opened.ok) throw new Error(`own door: ${JSON.stringify(opened.error)}`);
  await core.settled();
  const deposited = db
    .prepare(`SELECT count(*) AS n FROM parcels WHERE state = 'deposited'`)
    .get() as { n: number };
  if (deposited.n !== parcels + 1) throw new Error(`only ${deposited.n} parcels deposited`);
  return {
    core,
    board,
    clock,
    config,
    codes,
    own,
    allCodes: () => new Set([...codes, ...Object.values(own)]),
    unlocksBefore: board.unlocked.length,
    close: async () => {
      await core.close();
      db.close();
    },
  };
}

/** The pickup QR the cloud would have issued with `code` (a token derived from it, for tests). */
export const qrOf = (code: string): string =>
  qrPayload('pickup', Buffer.from(code.padStart(16, '0')).toString('base64url'));

export interface AttackResult {
  /** Codes the kiosk actually checked and found wrong, or that opened a door. */
  attempts: number;
  /** Answers "try again later". */
  throttled: number;
  /** Doors opened by a guess. */
  opened: number;
  /** Codes of their own typed to hold the throttle off. */
  held: number;
  /** Answers that were none of the above (never expected). */
  other: string[];
}

/** What the attacker's own matching code answers (it opens nothing new, whatever it says). */
const HELD_ANSWERS: Record<Holder, string> = {
  expired_parcel: 'parcel_expired',
  open_door: 'ok',
  return_no_space: 'no_free_compartment',
};

/**
 * Runs the attacker for `durationMs` of simulated time. `guess` yields the next code to type;
 * the attacker never repeats one. They keep their own model of the throttle's debt (they know
 * the policy) to pace themselves.
 */
export async function attack(
  locker: Locker,
  strategy: Strategy,
  durationMs: number,
  guess: () => string,
): Promise<AttackResult> {
  const { core, clock, config } = locker;
  const policy = config.policy.codeThrottle;
  const end = clock.now() + durationMs;
  const result: AttackResult = { attempts: 0, throttled: 0, opened: 0, held: 0, other: [] };
  let model = initialThrottle;
  let sinceHeld = 0;
  // A broken throttle would let a fake-clock attacker type forever in the same millisecond.
  const maxAttempts = 20_000;
  while (clock.now() < end && result.attempts < maxAttempts) {
    const now = clock.now();
    if (strategy.kind === 'paced') {
      const over = debtAt(model, policy, now) + 1 - strategy.debt;
      if (over > 0) {
        clock.advance(Math.ceil(over * policy.forgiveEverySec * 1000) + 1);
        continue;
      }
    }
    if (strategy.kind === 'holder' && sinceHeld >= strategy.every) {
      const answer = await typeOwn(locker, strategy.holder);
      if (answer === 'throttled') {
        result.throttled++;
        clock.advance(core.codes.retryAfterMs());
        continue;
      }
      if (answer !== HELD_ANSWERS[strategy.holder]) result.other.push(answer);
      result.held++;
      sinceHeld = 0;
      continue;
    }
    const r =
      strategy.kind === 'return_codes'
        ? await core.returns.withCode(guess(), 'code')
        : await core.pickups.withCode(guess(), 'code');
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
    sinceHeld++;
    model = recordFailure(model, policy, now).state;
  }
  return result;
}

async function typeOwn(locker: Locker, holder: Holder): Promise<string> {
  const code = locker.own[holder];
  const r =
    holder === 'return_no_space'
      ? await locker.core.returns.withCode(code, 'code')
      : await locker.core.pickups.withCode(code, 'code');
  return r.ok ? 'ok' : r.error.reason;
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
  const random = seededRandom(seed);
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

/** Every strategy the bench knows: greedy (as pickup or return codes), paced, each reset-holder. */
export const STRATEGIES: Strategy[] = [
  { kind: 'greedy' },
  { kind: 'return_codes' },
  ...[1, 2, 3, 4, 5].map((debt) => ({ kind: 'paced' as const, debt })),
  ...(['expired_parcel', 'open_door', 'return_no_space'] as const).map((holder) => ({
    kind: 'holder' as const,
    holder,
    every: 4,
  })),
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
      const r = await attack(locker, s, DAY_MS, countingGuesses(locker.allCodes(), 6));
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
 * A sound upper bound on the wrong codes the policy lets anyone have checked in `durationMs`,
 * whatever the strategy. Failures F = D + P: the debt left at the end D plus what time paid
 * off P ≤ duration / forgiveEvery. While the debt is more than `steps` over the free attempts
 * (steps: doublings from the first delay to the cap), every failure waits the cap, which is no
 * shorter than the time that pays one failure off (checked here), so the debt can never climb
 * more than one above that: D ≤ freeAttempts + steps + 1. Nothing resets the debt.
 */
export function attemptBound(
  policy: KioskConfig['policy']['codeThrottle'],
  durationMs: number,
): { paid: number; debt: number; total: number } {
  const steps = Math.ceil(Math.log2(policy.maxDelaySec / policy.firstDelaySec)) + 1;
  if (policy.maxDelaySec < policy.forgiveEverySec)
    throw new Error('this bound needs the cap to be at least the time that pays one failure off');
  const paid = Math.ceil(durationMs / (policy.forgiveEverySec * 1000));
  const debt = policy.freeAttempts + steps + 1;
  return { paid, debt, total: paid + debt };
}

/**
 * The lock-out figure: while one person keeps the keypad as locked as they can (greedy, for a
 * day), a customer arrives every `everyMs`, alternately typing a valid code and scanning a
 * valid QR; how long does each wait before the code is even checked? Returns the longest wait
 * of each kind and how many were served.
 */
export async function lockOut(
  locker: Locker,
  everyMs = 7 * 60_000 + 13_000,
): Promise<{
  longestWaitMs: number;
  longestQrWaitMs: number;
  served: number;
  refusedValid: number;
}> {
  const { core, clock } = locker;
  const guess = countingGuesses(locker.allCodes(), 6);
  const valid = [...locker.codes];
  const end = clock.now() + DAY_MS;
  let nextCustomer = clock.now() + everyMs;
  const longest = { code: 0, qr: 0 };
  let served = 0;
  let refusedValid = 0;
  while (clock.now() < end && valid.length > 0) {
    if (clock.now() >= nextCustomer) {
      const arrived = clock.now();
      const code = valid.shift()!;
      const by = served % 2 === 0 ? 'code' : 'qr';
      const input = by === 'qr' ? qrOf(code) : code;
      let r = await core.pickups.withCode(input, by);
      while (!r.ok && r.error.reason === 'throttled') {
        clock.advance(r.error.retryAfterMs);
        r = await core.pickups.withCode(input, by);
      }
      if (!r.ok) refusedValid++;
      else {
        served++;
        longest[by] = Math.max(longest[by], clock.now() - arrived);
        // The customer takes the parcel and shuts the door.
        const id = r.value.compartmentId;
        locker.board.closeDoor(locker.config.compartments.find((c) => c.id === id)!);
        await core.settled();
      }
      nextCustomer += everyMs;
      continue;
    }
    const r = await core.pickups.withCode(guess(), 'code');
    if (!r.ok && r.error.reason === 'throttled')
      clock.advance(Math.min(r.error.retryAfterMs, Math.max(1, nextCustomer - clock.now())));
  }
  return { longestWaitMs: longest.code, longestQrWaitMs: longest.qr, served, refusedValid };
}

/**
 * QR guessing: random token QRs scanned as fast as the kiosk answers, for `durationMs`. Returns
 * how many it checked (the flood limit, not the keypad throttle, bounds them) and doors opened.
 */
export async function scanAttack(
  locker: Locker,
  durationMs: number,
  seed = 5,
): Promise<{ scans: number; opened: number }> {
  const { core, clock } = locker;
  const random = seededRandom(seed);
  const end = clock.now() + durationMs;
  let scans = 0;
  let opened = 0;
  while (clock.now() < end) {
    const bytes = Buffer.from(Array.from({ length: 16 }, () => Math.floor(random() * 256)));
    const r = await core.pickups.withCode(qrPayload('pickup', bytes.toString('base64url')), 'qr');
    if (!r.ok && r.error.reason === 'throttled') {
      clock.advance(r.error.retryAfterMs);
      continue;
    }
    scans++;
    if (r.ok) opened++;
  }
  return { scans, opened };
}
