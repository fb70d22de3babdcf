/**
 * Keypad brute force for 24 h of simulated time against 100 deposited parcels, through the
 * real pickups.withCode → codes.ts → core/codeThrottle.ts with the default policy (5 free
 * failures in 10 min, then 30 s doubling to 30 min, reset after 1 h quiet or a success).
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
  lockerWithParcels,
  randomGuesses,
  strategyName,
  successProbability,
  type BruteForceReport,
} from './testSupport/bruteForce';
import { FakeClock, startFixture } from './testSupport/kioskFixture';

describe('keypad brute force against the persisted throttle', () => {
  let report: BruteForceReport;

  it('the best strategy gets no more codes checked in 24 h than the policy bound', async () => {
    report = await compareStrategies(100);
    const locker = await lockerWithParcels(1);
    const bound = attemptBound(locker.config.policy.codeThrottle, DAY_MS);
    await locker.close();
    // With the defaults: 4 free failures per 10-min slot (145 slots) and at most ~100 delayed
    // ones (episodes of 30+60+…-s delays separated by 1-h quiet periods).
    expect(bound.free).toBe(580);
    for (const s of report.byStrategy)
      expect(s.attempts, s.strategy).toBeLessThanOrEqual(bound.total);
    // Greedy without pacing is far worse for the attacker than staying under the throttle.
    const greedy = report.byStrategy.find((s) => s.strategy === 'greedy')!;
    expect(greedy.attempts).toBeLessThan(150);
    expect(report.attemptsPer24h).toBeGreaterThan(greedy.attempts);
    expect(report.attemptsPer24h).toBeLessThanOrEqual(bound.total);
    // What that means: 6 digits are guessable in a day with ~6 % odds against 100 parcels.
    const p6 = successProbability(report.attemptsPer24h, 100, 6);
    expect(p6).toBeLessThan(0.08);
    expect(successProbability(report.attemptsPer24h, 100, 8)).toBeLessThan(1e-3);
    expect(successProbability(report.attemptsPer24h, 100, 10)).toBeLessThan(1e-5);
  }, 60_000);

  it('random guesses against the real codes: same count, never a door, real codes still work', async () => {
    const locker = await lockerWithParcels(100, 6, 7);
    try {
      const r = await attack(locker, report.best, DAY_MS, randomGuesses(2026, 6, locker.codes));
      expect(r, strategyName(report.best)).toMatchObject({
        attempts: report.attemptsPer24h,
        opened: 0,
        other: [],
      });
      expect(locker.board.unlocked.length).toBe(locker.unlocksBefore);
      // A failed attempt never invalidates a real code: after the lock, one still opens.
      locker.clock.advance(locker.core.codes.retryAfterMs());
      const [code] = locker.codes;
      const opened = await locker.core.pickups.withCode(code!, 'code');
      expect(opened.ok).toBe(true);
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
      for (let i = 0; i < 5; i++) {
        const r = await first.core.pickups.withCode(String(100_000 + i), 'code');
        expect(r).toMatchObject({ ok: false, error: { reason: 'code_invalid' } });
      }
      await first.core.close();
      first.db.close();
      clock.advance(10_000);
      const second = await startFixture({ file, clock });
      expect(second.core.codes.retryAfterMs()).toBe(20_000);
      const r = await second.core.pickups.withCode('200000', 'code');
      expect(r).toMatchObject({ ok: false, error: { reason: 'throttled', retryAfterMs: 20_000 } });
      await second.core.close();
      second.db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
