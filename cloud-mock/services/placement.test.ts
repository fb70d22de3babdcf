import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SIZES, type Size } from '../../src/shared/domain';
import { fits } from './fit';
import { canPlace, type Promised } from './placement';

// The grouped flow against the plainest possible answer: try every assignment.
const dims = fc.record({
  lengthMm: fc.integer({ min: 1, max: 6 }).map((n) => n * 100),
  widthMm: fc.integer({ min: 1, max: 6 }).map((n) => n * 100),
  heightMm: fc.integer({ min: 1, max: 6 }).map((n) => n * 100),
});
const size = fc.constantFrom(...SIZES);
const compartment = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  size,
  inner: dims,
  maxWeightG: fc.integer({ min: 1, max: 3 }).map((n) => n * 10_000),
});
const one: fc.Arbitrary<Promised> = fc.oneof(
  fc.record({
    kind: fc.constant('parcel' as const),
    dimensions: dims,
    weightG: fc.integer({ min: 0, max: 30_000 }),
    size,
  }),
  fc.record({ kind: fc.constant('return' as const), size }),
);
const many = fc.tuple(one, fc.integer({ min: 1, max: 2 })).map(([p, n]) => ({ ...p, n }));

type Free = Parameters<typeof canPlace>[0][number];
type Many = Parameters<typeof canPlace>[1][number];
const expand = <T extends { n: number }>(xs: T[]): T[] => xs.flatMap((x) => Array<T>(x.n).fill(x));
const takes = (c: Free, p: Promised) =>
  p.kind === 'return' ? SIZES.indexOf(c.size) >= SIZES.indexOf(p.size) : fits(p, c);

function bruteForce(shapes: Free[], many: Many[], extra: Promised, only: Size | null) {
  const free = expand(shapes);
  const promised = expand(many);
  const all = [...promised, extra];
  const allowed = (c: Free, i: number) =>
    takes(c, all[i]!) && (i < promised.length || only === null || c.size === only);
  const used = free.map(() => false);
  const place = (i: number): boolean => {
    if (i === all.length) return true;
    for (let c = 0; c < free.length; c++) {
      if (used[c] || !allowed(free[c]!, i)) continue;
      used[c] = true;
      if (place(i + 1)) return true;
      used[c] = false;
    }
    return false;
  };
  return place(0);
}

describe('placing promises in the compartments actually free', () => {
  it('agrees with trying every assignment', () => {
    fc.assert(
      fc.property(
        fc.array(compartment, { maxLength: 5 }),
        fc.array(many, { maxLength: 4 }),
        one,
        fc.option(size, { nil: null }),
        (free, promised, extra, only) => {
          expect(canPlace(free, promised, extra, only)).toBe(
            bruteForce(free, promised, extra, only),
          );
        },
      ),
      { numRuns: 400, seed: 13 },
    );
  });
});
