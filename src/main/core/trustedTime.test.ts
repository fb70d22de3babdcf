import { describe, expect, it } from 'vitest';
import {
  confirmClock,
  expiryTime,
  initialTrustedTime,
  observeClock,
  type TrustedTimeState,
} from './trustedTime';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T = 1_800_000_000_000;
const started = observeClock(initialTrustedTime, T, HOUR);

describe('the time parcels expire by', () => {
  it('follows the clock while it moves in steps', () => {
    let s: TrustedTimeState = started;
    for (let t = T; t <= T + 3 * DAY; t += 30 * 60_000) s = observeClock(s, t, HOUR);
    expect(s.held).toBe(false);
    expect(expiryTime(s, T + 3 * DAY)).toBe(T + 3 * DAY);
  });

  it('holds at the last real time when the clock jumps forward, until the cloud confirms', () => {
    const jumped = observeClock(started, T + 4 * DAY, HOUR);
    expect(jumped.held).toBe(true);
    expect(expiryTime(jumped, T + 4 * DAY)).toBe(T);
    // The cloud says only a day has passed: expiry may follow that, not the clock.
    const oneDay = confirmClock(jumped, T + DAY, T + 4 * DAY, 5 * 60_000);
    expect(expiryTime(oneDay, T + 4 * DAY)).toBe(T + DAY);
    // The cloud's time agrees with the clock: it was real.
    const real = confirmClock(oneDay, T + 4 * DAY - 1000, T + 4 * DAY, 5 * 60_000);
    expect(real.held).toBe(false);
    expect(expiryTime(real, T + 4 * DAY)).toBe(T + 4 * DAY);
  });

  it('does not follow a clock stepped back below what it has lived through', () => {
    const back = observeClock(started, T - DAY, HOUR);
    expect(back.floor).toBe(T);
  });
});
