import { describe, expect, it } from 'vitest';
import { boardChanges, boardStateFrom } from './boardReading';

describe('boardStateFrom', () => {
  it('reads bit 0 as lock 1 with the default polarity (1 = locked)', () => {
    const state = boardStateFrom({ board: 2, lockBits: 0b101, itemBits: 0b010 }, 3, 1);
    expect(state).toEqual({
      board: 2,
      locks: [
        { lock: 1, locked: true, itemPresent: false },
        { lock: 2, locked: false, itemPresent: true },
        { lock: 3, locked: true, itemPresent: false },
      ],
    });
  });

  it('inverts the lock bits for installations where 0 means locked', () => {
    const state = boardStateFrom({ board: 1, lockBits: 0b01, itemBits: null }, 2, 0);
    expect(state.locks).toEqual([
      { lock: 1, locked: false, itemPresent: null },
      { lock: 2, locked: true, itemPresent: null },
    ]);
  });
});

describe('boardChanges', () => {
  it('reports only the doors and items that changed', () => {
    const before = boardStateFrom({ board: 0, lockBits: 0b11, itemBits: 0b00 }, 2, 1);
    const after = boardStateFrom({ board: 0, lockBits: 0b01, itemBits: 0b01 }, 2, 1);
    expect(boardChanges(before, after)).toEqual([
      { type: 'item', board: 0, lock: 1, present: true },
      { type: 'door', board: 0, lock: 2, locked: false },
    ]);
    expect(boardChanges(after, after)).toEqual([]);
  });

  it('never reports item events for boards without item sensors', () => {
    const before = boardStateFrom({ board: 1, lockBits: 1, itemBits: null }, 1, 1);
    const after = boardStateFrom({ board: 1, lockBits: 0, itemBits: null }, 1, 1);
    expect(boardChanges(before, after)).toEqual([
      { type: 'door', board: 1, lock: 1, locked: false },
    ]);
  });
});
