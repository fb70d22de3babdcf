import { describe, expect, it } from 'vitest';
import {
  checkThrottle,
  initialThrottle,
  recordFailure,
  recordSuccess,
  type ThrottlePolicy,
} from './codeThrottle';

const policy: ThrottlePolicy = {
  freeAttempts: 5,
  windowSec: 600,
  firstDelaySec: 30,
  maxDelaySec: 1800,
  quietResetSec: 3600,
};
const fail = (times: number[], state = initialThrottle) =>
  times.reduce((s, t) => recordFailure(s, policy, t).state, state);

describe('code throttle', () => {
  it('lets four failures pass and locks for 30 s on the fifth within ten minutes', () => {
    const four = fail([0, 1000, 2000, 3000]);
    expect(checkThrottle(four, 3001)).toEqual({ allowed: true });
    const fifth = recordFailure(four, policy, 4000);
    expect(fifth.delayMs).toBe(30_000);
    expect(checkThrottle(fifth.state, 4000 + 29_999)).toEqual({ allowed: false, retryAfterMs: 1 });
    expect(checkThrottle(fifth.state, 4000 + 30_000)).toEqual({ allowed: true });
  });

  it('doubles the delay with each further failure up to 30 minutes', () => {
    let state = fail([0, 1, 2, 3]);
    let t = 4;
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      const out = recordFailure(state, policy, t);
      delays.push(out.delayMs! / 1000);
      state = out.state;
      t = state.lockedUntil;
    }
    expect(delays).toEqual([30, 60, 120, 240, 480, 960, 1800, 1800, 1800]);
  });

  it('stays engaged after the first delay even when older failures leave the window', () => {
    const engaged = fail([0, 1, 2, 3, 4]);
    expect(recordFailure(engaged, policy, 3_000_000).delayMs).toBe(60_000);
  });

  it('does not count failures older than the window', () => {
    const spread = fail([0, 200_000, 400_000, 600_001]);
    expect(recordFailure(spread, policy, 700_000).delayMs).toBeNull();
  });

  it('resets after an hour without failures, and after a success', () => {
    const locked = fail([0, 1, 2, 3, 4, 30_005]);
    expect(locked.level).toBe(2);
    expect(recordFailure(locked, policy, 30_005 + 3_600_000).state.level).toBe(0);
    expect(recordSuccess()).toEqual(initialThrottle);
  });
});
