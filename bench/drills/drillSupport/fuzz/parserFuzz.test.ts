import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fuzzParser, type ParserFuzz } from './parserFuzz';

/** A parser that refuses odd numbers, counting what each of its subjects saw. */
function counting(freshEvery?: number): { parser: ParserFuzz<number>; opened: number[] } {
  const opened: number[] = [];
  const parser: ParserFuzz<number> = {
    name: 'odd refuser',
    smallRuns: 10,
    boundMs: 1_000,
    input: fc.integer(),
    show: String,
    ...(freshEvery !== undefined ? { freshEvery } : {}),
    open: async () => {
      let seen = 0;
      opened.push(0);
      const mine = opened.length - 1;
      return {
        handle: (n) => {
          seen += 1;
          opened[mine] = seen;
          return { rejected: n % 2 !== 0 };
        },
        figures: () => ({ seen, byParity: { odd: 0, seen } }),
        close: () => {},
      };
    },
  };
  return { parser, opened };
}

describe('fuzzParser', () => {
  it('opens a fresh subject every freshEvery inputs and sums their figures', async () => {
    const { parser, opened } = counting(1_000);
    const figures = await fuzzParser(parser, 2_500, 7);
    expect(opened).toEqual([1_000, 1_000, 500]);
    expect(figures.inputs).toBe(2_500);
    expect(figures.own).toEqual({ seen: 2_500, byParity: { odd: 0, seen: 2_500 } });
  });

  it('keeps one subject without it, and the same seed gives the same verdicts', async () => {
    const a = counting();
    const b = counting(500);
    const one = await fuzzParser(a.parser, 2_000, 11);
    const many = await fuzzParser(b.parser, 2_000, 11);
    expect(a.opened).toEqual([2_000]);
    expect(many.rejected).toBe(one.rejected);
    expect(one.rejected).toBeGreaterThan(0);
    expect(one.accepted).toBeGreaterThan(0);
  });
});
