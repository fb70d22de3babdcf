import { describe, expect, it } from 'vitest';
import { OwedAnswers } from './owedAnswers';
import { hex } from './testSupport/scriptedWire';

type Frame = { addr: number };
const query = hex('02 00 30 03 35');
const unlockLock1 = hex('02 00 31 03 36');
const isQueryAnswer = (frame: Frame) => frame.addr === 0x00;

describe('OwedAnswers', () => {
  it('lets a frame that could answer an owed request pay it off, once, oldest first', () => {
    const owed = new OwedAnswers<Frame>(1_000);
    owed.add(query, isQueryAnswer, 0);
    expect(owed.settle({ addr: 0x00 }, unlockLock1, 10)).toBe(true);
    expect(owed.settle({ addr: 0x00 }, unlockLock1, 20)).toBe(false); // paid: this one answers
  });

  it('does not count an owed copy of the request being asked again', () => {
    const owed = new OwedAnswers<Frame>(1_000);
    owed.add(query, isQueryAnswer, 0);
    expect(owed.settle({ addr: 0x00 }, query, 10)).toBe(false);
    expect(owed.settle({ addr: 0x00 }, undefined, 20)).toBe(true); // still owed, paid between
  });

  it('ignores frames that answer none of them, and forgets debts past the horizon', () => {
    const owed = new OwedAnswers<Frame>(100);
    owed.add(query, isQueryAnswer, 0);
    expect(owed.settle({ addr: 0x04 }, unlockLock1, 10)).toBe(false);
    expect(owed.settle({ addr: 0x00 }, unlockLock1, 101)).toBe(false);
  });

  it('owes nothing with a horizon of 0', () => {
    const owed = new OwedAnswers<Frame>(0);
    owed.add(query, isQueryAnswer, 0);
    expect(owed.settle({ addr: 0x00 }, unlockLock1, 1)).toBe(false);
  });
});
