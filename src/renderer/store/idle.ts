/** The idle clock: screens return home after a minute without a touch, warning at the end. */

/** Screens return home after this long without a touch; the warning shows for the last part. */
export const IDLE_MS = 60_000;
export const IDLE_WARNING_MS = 15_000;

export const idlePhase = (now: number, lastActivity: number): 'active' | 'warning' | 'expired' =>
  now - lastActivity >= IDLE_MS
    ? 'expired'
    : now - lastActivity >= IDLE_MS - IDLE_WARNING_MS
      ? 'warning'
      : 'active';
