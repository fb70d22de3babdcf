/**
 * A limit on failed QR scans, apart from the keypad throttle: a QR token has 128 bits, so
 * guessing is hopeless and the keypad's delay must not hold up customers who scan. This only
 * stops a flood: past `perMinute` failed scans in a minute, scanning pauses until the oldest
 * leaves the minute. Pure; the service keeps the state in memory.
 */
export interface ScanLimitState {
  /** Epoch ms of failed scans in the last minute, oldest first. */
  failures: number[];
}

export const initialScanLimit: ScanLimitState = { failures: [] };

const MINUTE = 60_000;

export function checkScan(
  state: ScanLimitState,
  perMinute: number,
  now: number,
): { allowed: true } | { allowed: false; retryAfterMs: number } {
  const recent = state.failures.filter((t) => t > now - MINUTE && t <= now);
  if (recent.length < perMinute) return { allowed: true };
  return { allowed: false, retryAfterMs: recent[recent.length - perMinute]! + MINUTE - now };
}

export function recordScanFailure(state: ScanLimitState, now: number): ScanLimitState {
  return { failures: [...state.failures.filter((t) => t > now - MINUTE && t <= now), now] };
}
