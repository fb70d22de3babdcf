import { describe, expect, it } from 'vitest';
import type { DoorOperationKind } from '../../shared/domain';
import type { LockBoardFailure } from './lockBoard';
import {
  MAX_PULSES,
  classifyUnlock,
  decideAfterUnlock,
  decideJam,
  decideOnTime,
  settleUnwatched,
  type DoorPhase,
} from './doorOperation';

const closed = { doorOpen: false, itemPresent: null };
const open = { doorOpen: true, itemPresent: null };

describe("the board's answer to an unlock", () => {
  it('is a fact only when it unlocked or refused', () => {
    const answers: Record<LockBoardFailure | 'ok', string> = {
      ok: 'acknowledged',
      no_such_lock: 'refused',
      jammed: 'refused',
      disconnected: 'not_sent',
      timeout: 'no_answer',
      bad_reply: 'no_answer',
      interrupted: 'no_answer',
    };
    for (const [failure, answer] of Object.entries(answers))
      expect(classifyUnlock(failure === 'ok' ? null : (failure as LockBoardFailure))).toBe(answer);
  });
});

describe('after an unlock', () => {
  it('an acknowledged pulse waits for the door; a refusal fails the door', () => {
    expect(decideAfterUnlock('acknowledged', 1)).toEqual({ next: 'pulsed' });
    expect(decideAfterUnlock('refused', 1, undefined, 'jammed')).toEqual({
      next: 'failed',
      failure: 'jammed',
    });
    expect(decideAfterUnlock('not_sent', 1)).toEqual({ next: 'not_sent' });
  });

  it('no answer is not "did not open": the fresh reading decides', () => {
    expect(decideAfterUnlock('no_answer', 1, open)).toEqual({ next: 'opened' });
    expect(decideAfterUnlock('no_answer', 1, closed)).toEqual({ next: 'cool_down' });
    expect(decideAfterUnlock('no_answer', 1, null)).toEqual({ next: 'unknown' });
    expect(decideAfterUnlock('no_answer', 1)).toEqual({ next: 'unknown' });
  });

  it('pulses a door at most twice: after the retry a shut door has failed', () => {
    expect(MAX_PULSES).toBe(2);
    expect(decideAfterUnlock('no_answer', 2, closed)).toEqual({
      next: 'failed',
      failure: 'no_answer',
    });
    expect(decideAfterUnlock('no_answer', 2, open)).toEqual({ next: 'opened' });
    expect(decideAfterUnlock('no_answer', 2, null)).toEqual({ next: 'unknown' });
  });
});

describe('settling a door nobody watched (restart, a board readable again)', () => {
  const kinds: DoorOperationKind[] = [
    'deposit',
    'return_deposit',
    'pickup',
    'collection',
    'staff_open',
  ];
  const phases: DoorPhase[] = ['recorded', 'pulsed', 'unknown', 'opened', 'awaiting_confirmation'];

  it('defers while unreadable and resumes while the door stands open, whatever the kind', () => {
    for (const kind of kinds)
      for (const phase of phases) {
        expect(settleUnwatched(kind, { phase, doorOpen: null, itemPresent: true })).toBe('defer');
        expect(settleUnwatched(kind, { phase, doorOpen: true, itemPresent: null })).toBe('resume');
      }
  });

  it('completes an operation whose door was seen open and is shut now', () => {
    for (const kind of kinds)
      expect(settleUnwatched(kind, { phase: 'opened', doorOpen: false, itemPresent: null })).toBe(
        'complete',
      );
  });

  it('never guesses: a door never seen open, shut now, without IR, goes to inspection', () => {
    for (const kind of ['deposit', 'return_deposit', 'pickup'] as const)
      for (const phase of ['recorded', 'pulsed', 'unknown'] as const)
        expect(settleUnwatched(kind, { phase, doorOpen: false, itemPresent: null })).toBe(
          'inspect',
        );
  });

  it('believes IR: an item inside means a deposit happened and a pickup did not', () => {
    const shut = (itemPresent: boolean) => ({
      phase: 'pulsed' as const,
      doorOpen: false,
      itemPresent,
    });
    expect(settleUnwatched('deposit', shut(true))).toBe('complete');
    expect(settleUnwatched('deposit', shut(false))).toBe('abandon');
    expect(settleUnwatched('return_deposit', shut(true))).toBe('complete');
    expect(settleUnwatched('pickup', shut(true))).toBe('abandon');
    expect(settleUnwatched('pickup', shut(false))).toBe('complete');
  });

  it('ends collection and staff openings that never opened without effect', () => {
    for (const kind of ['collection', 'staff_open'] as const)
      expect(settleUnwatched(kind, { phase: 'unknown', doorOpen: false, itemPresent: null })).toBe(
        'abandon',
      );
  });

  it('keeps a closed "doesn\'t fit" door waiting for the person to confirm it is empty', () => {
    expect(
      settleUnwatched('deposit', {
        phase: 'awaiting_confirmation',
        doorOpen: false,
        itemPresent: null,
      }),
    ).toBe('resume');
  });
});

describe('time', () => {
  const timers = { openDetectMs: 10_000, backstopMs: 900_000 };
  it('checks a pulsed door for a jam after the detection window, not before', () => {
    expect(decideOnTime({ phase: 'pulsed', phaseAt: 0 }, 9_999, timers)).toBe('none');
    expect(decideOnTime({ phase: 'pulsed', phaseAt: 0 }, 10_000, timers)).toBe('check_jam');
    expect(decideOnTime({ phase: 'recorded', phaseAt: 0 }, 10_000, timers)).toBe('check_jam');
  });

  it('sends a door left open, or left unconfirmed, to inspection at the backstop', () => {
    expect(decideOnTime({ phase: 'opened', phaseAt: 0 }, 899_999, timers)).toBe('none');
    expect(decideOnTime({ phase: 'opened', phaseAt: 0 }, 900_000, timers)).toBe('backstop');
    expect(decideOnTime({ phase: 'awaiting_confirmation', phaseAt: 0 }, 900_000, timers)).toBe(
      'backstop',
    );
  });

  it('never releases an operation whose door state is unknown', () => {
    expect(decideOnTime({ phase: 'unknown', phaseAt: 0 }, 365 * 86_400_000, timers)).toBe('none');
  });

  it('calls a door read shut after the window jammed, and one read open late opened', () => {
    expect(decideJam({ doorOpen: false, itemPresent: null })).toBe('jammed');
    expect(decideJam({ doorOpen: true, itemPresent: null })).toBe('opened');
    expect(decideJam(null)).toBe('unknown');
  });
});
