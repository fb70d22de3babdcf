import { describe, expect, it } from 'vitest';
import {
  attemptsLeft,
  checkThrottle,
  debtAt,
  initialThrottle,
  recordFailure,
  type ThrottlePolicy,
} from './codeThrottle';

const policy: ThrottlePolicy = {
  freeAttempts: 5,
  forgiveEverySec: 120,
  firstDelaySec: 15,
  maxDelaySec: 120,
};
const fail = (times: number[], state = initialThrottle) =>
  times.reduce((s, t) => recordFailure(s, policy, t).state, state);

describe('code throttle', () => {
  it('lets five failures pass and makes the keypad wait 15 s on the sixth in a row', () => {
    const five = fail([0, 1000, 2000, 3000, 4000]);
    expect(checkThrottle(five, policy, 4001)).toEqual({ allowed: true });
    const sixth = recordFailure(five, policy, 5000);
    expect(sixth.delayMs).toBe(15_000);
    expect(checkThrottle(sixth.state, policy, 5000 + 14_999)).toEqual({
      allowed: false,
      retryAfterMs: 1,
    });
    expect(checkThrottle(sixth.state, policy, 5000 + 15_000)).toEqual({ allowed: true });
  });

  it('doubles the delay with each further failure, capped at two minutes', () => {
    let state = fail([0, 1, 2, 3, 4]);
    let t = 5;
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const out = recordFailure(state, policy, t);
      delays.push(out.delayMs! / 1000);
      state = out.state;
      t = state.lockedUntil;
    }
    expect(delays).toEqual([15, 30, 60, 120, 120, 120, 120, 120]);
  });

  it('lets time pay the debt off, one failure every two minutes, and nothing else', () => {
    const five = fail([0, 0, 0, 0, 0]);
    expect(debtAt(five, policy, 0)).toBe(5);
    expect(debtAt(five, policy, 120_000)).toBe(4);
    expect(debtAt(five, policy, 600_000)).toBe(0);
    // One failure paid off: the next wrong code passes without a wait.
    expect(recordFailure(five, policy, 120_000).delayMs).toBeNull();
  });

  it('at the cap, an attacker gets one guess per two minutes, however long they keep at it', () => {
    let state = initialThrottle;
    let t = 0;
    let guesses = 0;
    while (t < 86_400_000) {
      const check = checkThrottle(state, policy, t);
      if (!check.allowed) {
        t += check.retryAfterMs;
        continue;
      }
      state = recordFailure(state, policy, t).state;
      guesses++;
    }
    expect(guesses).toBeLessThanOrEqual(86_400 / 120 + policy.freeAttempts + 4);
  });

  it('a clock stepped back cannot pin the keypad: the next failure re-bases the delay', () => {
    const locked = fail(Array.from({ length: 9 }, () => 1_000_000));
    expect(checkThrottle(locked, policy, 1_000_000 + 1000)).toMatchObject({ allowed: false });
    const dayEarlier = 1_000_000 - 86_400_000;
    expect(checkThrottle(locked, policy, dayEarlier)).toEqual({ allowed: true });
    const next = recordFailure(locked, policy, dayEarlier);
    expect(next.delayMs).toBe(120_000); // the debt was kept
    expect(checkThrottle(next.state, policy, dayEarlier + 120_000)).toEqual({ allowed: true });
  });

  it('tells how many wrong codes are left before the keypad waits, exactly as failures count', () => {
    expect(attemptsLeft(initialThrottle, policy, 0)).toBe(5);
    let state = initialThrottle;
    for (let i = 1; i <= 5; i++) {
      state = recordFailure(state, policy, i).state;
      expect(attemptsLeft(state, policy, i)).toBe(5 - i);
    }
    // With none left the next failure is the one that imposes the delay, and during it: none.
    const sixth = recordFailure(state, policy, 6);
    expect(sixth.delayMs).not.toBeNull();
    expect(attemptsLeft(sixth.state, policy, 7)).toBe(0);
    // Time pays the debt off: after the delay and one forgiveness period, one more try.
    const later = sixth.state.lockedUntil + policy.forgiveEverySec * 1000;
    expect(attemptsLeft(sixth.state, policy, later)).toBe(0);
    expect(attemptsLeft(sixth.state, policy, 6 + 2 * policy.forgiveEverySec * 1000)).toBe(1);
  });

  it('never promises a try that would already be delayed', () => {
    let state = initialThrottle;
    for (let t = 0; t < 200_000; t += 7_919) {
      const left = attemptsLeft(state, policy, t);
      const out = recordFailure(state, policy, t);
      if (left > 0) expect(out.delayMs, `at ${t}`).toBeNull();
      if (checkThrottle(state, policy, t).allowed) state = out.state;
    }
  });
});
