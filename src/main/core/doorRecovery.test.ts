import { describe, expect, it } from 'vitest';
import {
  JAM_MEMORY_MS,
  MAX_JAMMED_DOORS,
  MAX_REOPENS,
  didNotOpenAfterReading,
  didNotOpenByPhase,
  mayOpenAnotherDoor,
} from './doorRecovery';

const shut = { doorOpen: false, itemPresent: null };
const open = { doorOpen: true, itemPresent: null };

describe('"door didn\'t open"', () => {
  it('is refused by the phase alone when the door was seen open or its outcome is unknown', () => {
    expect(didNotOpenByPhase('opened')).toBe('was_open');
    expect(didNotOpenByPhase('awaiting_confirmation')).toBe('was_open');
    expect(didNotOpenByPhase('unknown')).toBe('unknown');
    expect(didNotOpenByPhase('recorded')).toBe('read');
    expect(didNotOpenByPhase('pulsed')).toBe('read');
  });

  it('believes a door that reads open, and decides nothing on an unreadable board', () => {
    expect(didNotOpenAfterReading(open, 0)).toBe('was_open');
    expect(didNotOpenAfterReading(open, MAX_REOPENS)).toBe('was_open');
    expect(didNotOpenAfterReading(null, 0)).toBe('unknown');
  });

  it('gives a shut door exactly one reopen, then calls it jammed', () => {
    expect(MAX_REOPENS).toBe(1);
    expect(didNotOpenAfterReading(shut, 0)).toBe('reopen');
    expect(didNotOpenAfterReading(shut, 1)).toBe('jammed');
    expect(didNotOpenAfterReading(shut, 5)).toBe('jammed');
  });
});

describe('another door after a jam', () => {
  const now = 10 * JAM_MEMORY_MS;

  it(`is offered until an item has lost ${MAX_JAMMED_DOORS} doors to jams`, () => {
    expect(mayOpenAnotherDoor([], now)).toBe(true);
    expect(mayOpenAnotherDoor([now - 1000], now)).toBe(true);
    expect(mayOpenAnotherDoor([now - 2000, now - 1000], now)).toBe(false);
  });

  it('forgets jams older than the memory (the locker may have been repaired)', () => {
    expect(mayOpenAnotherDoor([now - JAM_MEMORY_MS, now - 1000], now)).toBe(true);
    expect(mayOpenAnotherDoor([now - JAM_MEMORY_MS - 1, now - JAM_MEMORY_MS], now)).toBe(true);
  });
});
