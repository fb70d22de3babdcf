// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDLE_MS, IDLE_WARNING_MS, resetKioskStore, useKiosk } from '../store/kioskStore';
import { push, renderKiosk, scan, T0 } from '../testing/renderKiosk';

beforeEach(resetKioskStore);
afterEach(() => {
  cleanup();
  resetKioskStore();
});

const dialog = () => screen.queryByRole('alertdialog', { name: 'Are you still there?' });
const tick = (at: number) => act(() => useKiosk.getState().tick(at));
const courier = {
  session: { role: 'courier' as const, subject: 'C-1', expiresAt: T0 + 600_000 },
  screen: {
    name: 'courier' as const,
    deposit: null,
    sizeFor: null,
    deposits: [],
    notice: null,
    busy: false,
  },
};

describe('idle warning and timeout', () => {
  it('stays hidden while the person is active, shows in the last seconds with a countdown', () => {
    renderKiosk({ screen: { name: 'pickup', code: '', notice: null, busy: false } });
    tick(T0 + IDLE_MS - IDLE_WARNING_MS - 1000);
    expect(dialog()).toBeNull();
    tick(T0 + IDLE_MS - IDLE_WARNING_MS);
    expect(dialog()).not.toBeNull();
    expect(screen.getByText('Going back to the start in 15 seconds.')).toBeTruthy();
    tick(T0 + IDLE_MS - 4000);
    expect(screen.getByText('Going back to the start in 4 seconds.')).toBeTruthy();
    expect(dialog()!.getAttribute('aria-modal')).toBe('true');
  });

  it('"Continue" keeps the screen and hides the warning', () => {
    renderKiosk({ screen: { name: 'pickup', code: '12', notice: null, busy: false } });
    tick(T0 + IDLE_MS - 5000);
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    expect(dialog()).toBeNull();
    tick(T0 + IDLE_MS);
    expect(screen.getByRole('heading', { name: 'Pick up a parcel' })).toBeTruthy();
  });

  it('never shows on the start screen', () => {
    renderKiosk();
    tick(T0 + IDLE_MS - 1000);
    expect(dialog()).toBeNull();
  });

  it('times out to the start, logging the courier out and cancelling a door still opening', async () => {
    const { calls } = renderKiosk(courier, {
      'deposit:start': () => ({
        ok: true,
        value: { operationId: 9, parcelId: 'p', compartmentId: 'A1', size: 'S' },
      }),
      'deposit:cancel': () => ({ ok: true, value: { cancelled: true } }),
    });
    scan('TRK1');
    await screen.findByTestId('deposit-line');
    const last = useKiosk.getState().lastActivity;
    tick(last + IDLE_MS);
    expect(await screen.findByRole('heading', { name: 'Welcome' })).toBeTruthy();
    expect(dialog()).toBeNull();
    expect(useKiosk.getState().session).toBeNull();
    await act(async () => {});
    expect(calls).toContainEqual({ channel: 'deposit:cancel', input: { operationId: 9 } });
    expect(calls).toContainEqual({ channel: 'session:logout', input: {} });
  });

  it('a session ended by main goes home with the reason', () => {
    renderKiosk(courier);
    push('session:expired', { role: 'courier' });
    expect(
      screen.getByText('You were logged out because nothing happened for a while.'),
    ).toBeTruthy();
  });
});
