/**
 * The keypad's delay for the whole unit (DESIGN §8), fed only by failures. Each wrong code adds
 * one to a debt that time pays off (one every `forgiveEverySec`); while the debt is above
 * `freeAttempts`, each wrong code makes the keypad wait, 15 s doubling up to `maxDelaySec`. The
 * cap is what a customer with a valid code may have to wait while someone else hammers the
 * keypad, so it stays short (≤ 2 min); at the cap an attacker gets one guess per cap, and the
 * code length is chosen to make that rate harmless (docs/security.md).
 *
 * Nothing resets it: a code that matches (a customer's success, an attacker's own expired
 * parcel, their own door held open) neither feeds nor clears it. Pure state in, state out; the
 * service persists it so a power cycle does not hand out fresh tries.
 */

export interface ThrottlePolicy {
  /** Failures the debt may hold before a wrong code makes the keypad wait. */
  freeAttempts: number;
  /** Time pays off one failure every this many seconds. */
  forgiveEverySec: number;
  firstDelaySec: number;
  maxDelaySec: number;
}

export interface ThrottleState {
  /** Failures not yet paid off by time, as of `at` (fractional: time pays continuously). */
  debt: number;
  /** Epoch ms of the last failure. */
  at: number;
  /** Entry refused before this epoch ms. */
  lockedUntil: number;
}

export const initialThrottle: ThrottleState = { debt: 0, at: 0, lockedUntil: 0 };

export type ThrottleCheck = { allowed: true } | { allowed: false; retryAfterMs: number };

/** May a code be tried at `now`? */
export function checkThrottle(
  state: ThrottleState,
  policy: ThrottlePolicy,
  now: number,
): ThrottleCheck {
  const remaining = state.lockedUntil - now;
  // Longer than any delay: the clock was stepped back. The next failure re-bases the delay on
  // the clock as it is now (the debt is kept), so a backward jump cannot pin the keypad.
  if (remaining <= 0 || remaining > policy.maxDelaySec * 1000) return { allowed: true };
  return { allowed: false, retryAfterMs: remaining };
}

/** The debt at `now`: what time has not paid off yet (a clock stepped back pays nothing). */
export function debtAt(state: ThrottleState, policy: ThrottlePolicy, now: number): number {
  const elapsed = Math.max(0, now - state.at);
  return Math.max(0, state.debt - elapsed / (policy.forgiveEverySec * 1000));
}

/**
 * Wrong codes that can still be typed at `now` before the keypad makes anyone wait: what the
 * screen tells a customer after a wrong code ("2 more tries"). Counted as `recordFailure` would:
 * a failure that takes the debt above `freeAttempts` is the one that imposes the delay. While
 * the keypad waits, none.
 */
export function attemptsLeft(state: ThrottleState, policy: ThrottlePolicy, now: number): number {
  if (!checkThrottle(state, policy, now).allowed) return 0;
  return Math.max(0, Math.floor(policy.freeAttempts - debtAt(state, policy, now) + 1e-9));
}

export interface FailureOutcome {
  state: ThrottleState;
  /** Set when this failure imposed a delay: the delay in ms (for the security.throttled event). */
  delayMs: number | null;
}

/**
 * A wrong code at `now`. `paidUntil` (default `now`): how far time may pay the debt off, when
 * the caller knows the wall clock was stepped forward since the last failure.
 */
export function recordFailure(
  state: ThrottleState,
  policy: ThrottlePolicy,
  now: number,
  paidUntil = now,
): FailureOutcome {
  const debt = debtAt(state, policy, Math.min(now, paidUntil)) + 1;
  const over = debt - policy.freeAttempts;
  if (over <= 0) return { state: { debt, at: now, lockedUntil: 0 }, delayMs: null };
  const delayMs =
    Math.min(policy.firstDelaySec * 2 ** (Math.ceil(over) - 1), policy.maxDelaySec) * 1000;
  return { state: { debt, at: now, lockedUntil: now + delayMs }, delayMs };
}
