import { describe, expect, it } from 'vitest';
import { OwedAnswers } from './owedAnswers';

type Frame = { addr: number };
const isQueryAnswer = (frame: Frame) => frame.addr === 0x00;
/** Exchange numbers: a query that went unanswered, then a later request. */
const EARLIER = 1;
const LATER = 2;

describe('OwedAnswers', () => {
  it('lets a frame that could answer an earlier exchange pay it off, once, oldest first', () => {
    const owed = new OwedAnswers<Frame>(1_000);
    owed.add(EARLIER, isQueryAnswer, 0);
    expect(owed.settle({ addr: 0x00 }, LATER, 10)).toBeDefined();
    expect(owed.settle({ addr: 0x00 }, LATER, 20)).toBeUndefined(); // paid: this one answers
  });

  it('lets the attempts of one exchange answer each other (a retry of the same question)', () => {
    const owed = new OwedAnswers<Frame>(1_000);
    owed.add(EARLIER, isQueryAnswer, 0);
    expect(owed.settle({ addr: 0x00 }, EARLIER, 10)).toBeUndefined();
    expect(owed.settle({ addr: 0x00 }, undefined, 20)).toBeDefined(); // still owed, paid between
  });

  it('makes a later query wait for its own reading: an earlier one may predate a pulse', () => {
    const owed = new OwedAnswers<Frame>(1_000);
    owed.add(EARLIER, isQueryAnswer, 0);
    expect(owed.settle({ addr: 0x00 }, LATER, 10)).toBeDefined();
  });

  it('owes an exchange whose frame paid an earlier debt only until that debt would have lapsed', () => {
    const owed = new OwedAnswers<Frame>(1_000);
    owed.add(EARLIER, isQueryAnswer, 0);
    // LATER's window heard one frame: it paid EARLIER's debt (lapsing at 1 000 ms)...
    const paidUntil = owed.settle({ addr: 0x00 }, LATER, 10);
    expect(paidUntil).toBe(1_000);
    // ...and LATER, left unanswered at 100 ms, is owed in its place until then, not until 1 100.
    owed.add(LATER, isQueryAnswer, 100, paidUntil);
    expect(owed.settle({ addr: 0x00 }, 3, 999)).toBe(1_000);
    owed.add(LATER, isQueryAnswer, 100, paidUntil);
    expect(owed.settle({ addr: 0x00 }, 3, 1_000)).toBeUndefined();
  });

  it('ignores frames that answer none of them, and forgets debts past the horizon', () => {
    const owed = new OwedAnswers<Frame>(100);
    owed.add(EARLIER, isQueryAnswer, 0);
    expect(owed.settle({ addr: 0x04 }, LATER, 10)).toBeUndefined();
    expect(owed.settle({ addr: 0x00 }, LATER, 101)).toBeUndefined();
  });

  it('owes nothing with a horizon of 0', () => {
    const owed = new OwedAnswers<Frame>(0);
    owed.add(EARLIER, isQueryAnswer, 0);
    expect(owed.settle({ addr: 0x00 }, LATER, 1)).toBeUndefined();
  });
});
