import { describe, expect, it } from 'vitest';
import { backoffMs, DEFAULT_WEBHOOK_POLICY } from './webhookDelivery';

describe('webhook retry backoff', () => {
  it('doubles from the first delay up to the cap, jittered between half and all of it', () => {
    const p = DEFAULT_WEBHOOK_POLICY;
    const full = [1, 2, 3, 4, 5, 12, 13, 40].map((n) =>
      Math.min(p.maxRetryMs, p.firstRetryMs * 2 ** (n - 1)),
    );
    expect(full.slice(0, 5)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    [1, 2, 3, 4, 5, 12, 13, 40].forEach((failures, i) => {
      expect(backoffMs(p, failures, 0)).toBe(full[i]! / 2);
      expect(backoffMs(p, failures, 0.999999)).toBeLessThanOrEqual(full[i]!);
      expect(backoffMs(p, failures, 0.999999)).toBeGreaterThan(full[i]! * 0.99);
    });
    expect(backoffMs(p, 40, 1)).toBe(p.maxRetryMs);
  });

  it('spreads receivers that failed together', () => {
    const waits = new Set(
      Array.from({ length: 50 }, (_, i) => backoffMs(DEFAULT_WEBHOOK_POLICY, 3, i / 50)),
    );
    expect(waits.size).toBe(50);
  });
});
