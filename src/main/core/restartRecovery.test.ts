import { describe, expect, it } from 'vitest';
import { decideAfterRestart } from './restartRecovery';

describe('decisions after a restart', () => {
  it('defers while the board cannot be read and resumes while the door stands open', () => {
    expect(
      decideAfterRestart('pickup', { doorOpen: null, itemPresent: null, doorOpenedBefore: true }),
    ).toBe('defer');
    expect(
      decideAfterRestart('deposit', { doorOpen: true, itemPresent: null, doorOpenedBefore: false }),
    ).toBe('resume');
  });

  it('completes an operation whose door was seen open and is closed now', () => {
    expect(
      decideAfterRestart('pickup', { doorOpen: false, itemPresent: null, doorOpenedBefore: true }),
    ).toBe('complete');
    expect(
      decideAfterRestart('deposit', { doorOpen: false, itemPresent: null, doorOpenedBefore: true }),
    ).toBe('complete');
  });

  it('never records a pickup it cannot prove: without IR a door never seen open means no pickup', () => {
    expect(
      decideAfterRestart('pickup', { doorOpen: false, itemPresent: null, doorOpenedBefore: false }),
    ).toBe('abandon');
    expect(
      decideAfterRestart('pickup', { doorOpen: false, itemPresent: true, doorOpenedBefore: false }),
    ).toBe('abandon');
    expect(
      decideAfterRestart('pickup', {
        doorOpen: false,
        itemPresent: false,
        doorOpenedBefore: false,
      }),
    ).toBe('complete');
  });

  it('lets IR decide a deposit, and sends an unknowable one for inspection', () => {
    expect(
      decideAfterRestart('deposit', {
        doorOpen: false,
        itemPresent: true,
        doorOpenedBefore: false,
      }),
    ).toBe('complete');
    expect(
      decideAfterRestart('deposit', {
        doorOpen: false,
        itemPresent: false,
        doorOpenedBefore: false,
      }),
    ).toBe('abandon');
    expect(
      decideAfterRestart('return_deposit', {
        doorOpen: false,
        itemPresent: null,
        doorOpenedBefore: false,
      }),
    ).toBe('abandon_and_inspect');
  });
});
