/** Reconnect and retry delays: capped exponential backoff with "equal jitter". */

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 60_000, factor: 2 };

/**
 * Delay before retry number `attempt` (0 for the first retry): half the capped exponential
 * step plus a random half, so a fleet that lost the broker together does not return together,
 * and no retry comes sooner than half the step.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt));
  return Math.round(step / 2 + (random() * step) / 2);
}
