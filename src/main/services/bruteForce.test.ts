/**
 * Keypad brute force for 24 h of simulated time against 100 deposited parcels, through the
 * real pickups.withCode → codes.ts → core/codeThrottle.ts with the default policy (a debt of 5
 * failures free, time paying one off every 2 min, then 15 s doubling to a 2-min cap; nothing
 * resets it).
 * No timing assertions: the fake clock makes every figure exact and repeatable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  attack,
  attemptBound,
  compareStrategies,
  lockOut,
  lockerWithParcels,
  randomGuesses,
  strategyName,
  successProbability,
  type BruteForceReport,
} from './testSupport/bruteForce';
import { FakeClock, startFixture } from './testSupport/kioskFixture';

describe('keypad brute force against the persisted throttle', () => {
  let report: BruteForceReport;

  it('the best strategy gets no more codes checked in 24 h than the policy bound, and reset-holders gain nothing', async () => {
    report = await compareStrategies(100);
    const locker = await lockerWithParcels(1);
    const bound = attemptBound(locker.config.policy.codeThrottle, DAY_MS);
    await locker.close();
    // With the defaults: 720 failures paid off by time in a day, and a debt of at most 10.
    expect(bound).toEqual({ paid: 720, debt: 10, total: 730 });
    for (const s of report.byStrategy)
      expect(s.attempts, s.strategy).toBeLessThanOrEqual(bound.total);
    // Typing a code of one's own that matches (expired, door held open, no space) once reset
    // the throttle: 4 wrong + 1 own gave ~17,000 guesses a day. Now it buys nothing.
    const greedy = report.byStrategy.find((s) => s.strategy === 'greedy')!;
    for (const s of report.byStrategy.filter((s) => s.strategy.includes('their own')))
      expect(s.attempts, s.strategy).toBeLessThanOrEqual(greedy.attempts);
    expect(report.attemptsPer24h).toBeLessThanOrEqual(bound.total);
    // What that means against 100 parcels in a day: 8 digits meet the 0.1 % goal, 6 do not.
    expect(successProbability(report.attemptsPer24h, 100, 6)).toBeGreaterThan(0.05);
    expect(successProbability(report.attemptsPer24h, 100, 8)).toBeLessThan(1e-3);
    expect(successProbability(report.attemptsPer24h, 100, 10)).toBeLessThan(1e-5);
  }, 120_000);

  it('random guesses against the real codes: same count, never a door, real codes still work', async () => {
    const locker = await lockerWithParcels(100, 6, 7);
    try {
      const guesses = randomGuesses(2026, 6, locker.allCodes());
      const r = await attack(locker, report.best, DAY_MS, guesses);
      expect(r, strategyName(report.best)).toMatchObject({
        attempts: report.attemptsPer24h,
        opened: 0,
        other: [],
      });
      expect(locker.board.unlocked.length).toBe(locker.unlocksBefore);
      // A failed attempt never invalidates a real code: after the wait, one still opens.
      locker.clock.advance(locker.core.codes.retryAfterMs());
      const [code] = locker.codes;
      const opened = await locker.core.pickups.withCode(code!, 'code');
      expect(opened.ok).toBe(true);
    } finally {
      await locker.close();
    }
  }, 60_000);

  it('one person hammering the keypad all day never keeps a valid code waiting over 2 minutes, nor a QR at all', async () => {
    const locker = await lockerWithParcels(100, 6, 11);
    try {
      const r = await lockOut(locker);
      expect(r.refusedValid).toBe(0);
      expect(r.served).toBeGreaterThan(90);
      expect(r.longestWaitMs).toBeLessThanOrEqual(120_000);
      // A customer who scans the QR is never held up by the keypad's delay.
      expect(r.longestQrWaitMs).toBe(0);
    } finally {
      await locker.close();
    }
  }, 60_000);

  it('the throttle survives a power cycle: a restart does not hand out fresh attempts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-throttle-'));
    const file = join(dir, 'kiosk.sqlite');
    const clock = new FakeClock();
    try {
      const first = await startFixture({ file, clock });
      for (let i = 0; i < 6; i++) {
        const r = await first.core.pickups.withCode(String(100_000 + i), 'code');
        expect(r).toMatchObject({ ok: false, error: { reason: 'code_invalid' } });
      }
      await first.core.close();
      first.db.close();
      clock.advance(10_000);
      const second = await startFixture({ file, clock });
      expect(second.core.codes.retryAfterMs()).toBe(5_000);
      const r = await second.core.pickups.withCode('200000', 'code');
      expect(r).toMatchObject({ ok: false, error: { reason: 'throttled', retryAfterMs: 5_000 } });
      await second.core.close();
      second.db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
