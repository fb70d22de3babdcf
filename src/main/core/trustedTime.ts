/**
 * The time parcels expire by. The unit's clock can jump forward (a bad RTC after a power cut,
 * a spoofed NTP answer): that must not expire every parcel at once. A jump larger than the step
 * holds expiry at the last time the unit had lived through until the cloud's signed time (a
 * verified command's issue time) confirms how late it really is; while held, expiry follows
 * that signed time, which is never later than the truth. Pure; the service persists the state.
 */
export interface TrustedTimeState {
  /** The latest local time accepted as real (epoch ms). */
  floor: number;
  /** Set when a jump was seen: expiry stays at `floor`, or the cloud's time, until confirmed. */
  held: boolean;
  /** The latest signed cloud time heard (epoch ms; 0: none yet). */
  cloud: number;
}

export const initialTrustedTime: TrustedTimeState = { floor: 0, held: false, cloud: 0 };

/** The clock read `now`; a forward step beyond `stepMs` since the floor holds expiry. */
export function observeClock(
  state: TrustedTimeState,
  now: number,
  stepMs: number,
): TrustedTimeState {
  if (state.held) return state;
  if (state.floor === 0 || now <= state.floor)
    return { ...state, floor: Math.max(state.floor, now) };
  if (now - state.floor > stepMs) return { ...state, held: true };
  return { ...state, floor: now };
}

/**
 * A signed cloud time `cloudAt` heard at local `now`. Within `toleranceMs` of the clock it
 * confirms the clock (expiry follows the clock again); otherwise it only moves what expiry may
 * follow while held.
 */
export function confirmClock(
  state: TrustedTimeState,
  cloudAt: number,
  now: number,
  toleranceMs: number,
): TrustedTimeState {
  const cloud = Math.max(state.cloud, cloudAt);
  if (Math.abs(now - cloudAt) <= toleranceMs) return { floor: now, held: false, cloud };
  return { ...state, cloud };
}

/** The time to expire parcels by at local `now`. */
export function expiryTime(state: TrustedTimeState, now: number): number {
  return state.held ? Math.max(state.floor, state.cloud) : now;
}
