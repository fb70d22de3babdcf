/**
 * Escalating delay on code entry for the whole unit (DESIGN §8): after `freeAttempts` failures
 * within `windowSec`, that failure and each one after it locks entry for a delay that starts at
 * `firstDelaySec` and doubles up to `maxDelaySec`. A success, or `quietResetSec` without failures, resets it.
 * Pure state in, state out; the service persists the state so a power cycle does not reset it.
 */

export interface ThrottlePolicy {
  freeAttempts: number;
  windowSec: number;
  firstDelaySec: number;
  maxDelaySec: number;
  quietResetSec: number;
}

export interface ThrottleState {
  /** Epoch ms of recent failures, oldest first, within the window. */
  failures: number[];
  /** How many delays have been imposed since the last reset. */
  level: number;
  /** Entry refused before this epoch ms. */
  lockedUntil: number;
}

export const initialThrottle: ThrottleState = { failures: [], level: 0, lockedUntil: 0 };

export type ThrottleCheck = { allowed: true } | { allowed: false; retryAfterMs: number };

/** May a code be tried at `now`? */
export function checkThrottle(state: ThrottleState, now: number): ThrottleCheck {
  return now < state.lockedUntil
    ? { allowed: false, retryAfterMs: state.lockedUntil - now }
    : { allowed: true };
}

function afterQuiet(state: ThrottleState, policy: ThrottlePolicy, now: number): ThrottleState {
  const last = state.failures.at(-1);
  return last !== undefined && now - last >= policy.quietResetSec * 1000 ? initialThrottle : state;
}

export interface FailureOutcome {
  state: ThrottleState;
  /** Set when this failure imposed a delay: the delay in ms (for the security.throttled event). */
  delayMs: number | null;
}

export function recordFailure(
  state: ThrottleState,
  policy: ThrottlePolicy,
  now: number,
): FailureOutcome {
  const base = afterQuiet(state, policy, now);
  const windowStart = now - policy.windowSec * 1000;
  const failures = [...base.failures.filter((t) => t > windowStart), now];
  // Once engaged, the throttle stays engaged until reset: every further failure waits longer.
  if (base.level === 0 && failures.length < policy.freeAttempts)
    return { state: { ...base, failures }, delayMs: null };
  const delayMs = Math.min(policy.firstDelaySec * 2 ** base.level, policy.maxDelaySec) * 1000;
  return { state: { failures, level: base.level + 1, lockedUntil: now + delayMs }, delayMs };
}

export function recordSuccess(): ThrottleState {
  return initialThrottle;
}
