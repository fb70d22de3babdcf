// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../App';
import { createI18n } from '../i18n';
import { resetKioskStore, useKiosk } from '../store/kioskStore';
import { drawnModules } from '../testing/drawnModules';
import { fakeApi } from '../testing/fakeApi';
import { readQr } from '../testing/qrReader';
import { customerDoor } from '../testing/renderKiosk';

const T0 = 1_800_000_000_000;
const layout = {
  lockerId: 'l',
  columns: ['A'],
  compartments: [
    {
      id: 'A1',
      column: 'A',
      row: 1,
      size: 'S' as const,
      heightMm: 90,
      lowerDoor: false,
      state: 'available' as const,
      doorOpen: false,
    },
    {
      id: 'A2',
      column: 'A',
      row: 2,
      size: 'M' as const,
      heightMm: 190,
      lowerDoor: false,
      state: 'occupied' as const,
      doorOpen: false,
    },
  ],
};

function show(state: Partial<ReturnType<typeof useKiosk.getState>> = {}) {
  const { api, calls } = fakeApi({
    'pickup:throttle': () => ({ ok: true, value: { retryAfterMs: 0, attemptsLeft: 5 } }),
    'staff:compartments': () => ({ ok: true, value: [] }),
  });
  useKiosk.setState({ api, now: T0, lastActivity: T0, layout, ...state });
  render(<App i18n={createI18n('en')} />);
  return calls;
}

beforeEach(resetKioskStore);
afterEach(() => {
  cleanup();
  resetKioskStore();
});

describe('screens', () => {
  it('home offers pickup, return and courier, languages and large text, all named', () => {
    show();
    for (const name of [
      /Pick up a parcel/,
      /Return a parcel/,
      /Courier/,
      'English',
      'Deutsch',
      'Polski',
      /Large text/,
    ])
      expect(screen.getByRole('button', { name })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Deutsch' }));
    expect(screen.getByRole('heading', { name: 'Willkommen' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /Große Schrift/ }));
    expect(document.querySelector('.kiosk.large-text')).not.toBeNull();
  });

  it('every button has an accessible name', () => {
    show({ screen: { name: 'pickup', code: '12', notice: null, busy: false } });
    for (const button of screen.getAllByRole('button'))
      expect(button.getAttribute('aria-label') ?? button.textContent?.trim()).toBeTruthy();
  });

  it('the keypad types, deletes and clears', () => {
    show({ screen: { name: 'pickup', code: '', notice: null, busy: false } });
    fireEvent.click(screen.getByRole('button', { name: 'Digit 4' }));
    fireEvent.click(screen.getByRole('button', { name: 'Digit 2' }));
    expect(screen.getByTestId('code-display').textContent).toContain('4 2');
    fireEvent.click(screen.getByRole('button', { name: 'Delete last digit' }));
    expect(screen.getByTestId('code-display').textContent).toContain('4');
    fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    expect(screen.getByTestId('code-display').textContent).toContain('No digits entered yet');
  });

  it('code entry shows the neutral notice, the expiry notice and the throttle countdown', () => {
    show({ screen: { name: 'pickup', code: '', notice: 'codeInvalid', busy: false } });
    expect(screen.getByRole('alert').textContent).toBe(
      'This code cannot be used. Please check it and try again.',
    );
    act(() =>
      useKiosk.setState({
        screen: { name: 'pickup', code: '', notice: 'parcelExpired', busy: false },
      }),
    );
    expect(screen.getByRole('alert').textContent).toContain('contact customer support');
    act(() => useKiosk.setState({ throttleUntil: T0 + 25_000 }));
    expect(screen.getByTestId('throttle-countdown').textContent).toContain('25 seconds');
    expect(screen.getByRole('button', { name: 'Digit 1' })).toHaveProperty('disabled', true);
  });

  it('the door screen lights the door, then thanks the customer', () => {
    show({ screen: customerDoor({ phase: 'open' }) });
    expect(screen.getByTestId('door-title').textContent).toBe('Door A2 is open');
    expect(screen.getByRole('img', { name: 'Locker front, door A2 highlighted' })).toBeTruthy();
    expect(document.querySelector('[data-compartment="A2"].lit')).not.toBeNull();
    act(() =>
      useKiosk.getState().onPush('operation:finished', {
        compartmentId: 'A2',
        operation: 'pickup',
        outcome: 'completed',
        reason: null,
      }),
    );
    expect(screen.getByTestId('door-title').textContent).toBe('Thank you!');
    expect(screen.getByRole('button', { name: 'Done' })).toBeTruthy();
  });

  it('a return ends with a receipt: the short reference, and a QR code of it', () => {
    show({
      screen: customerDoor({
        purpose: 'return',
        compartmentId: 'A1',
        phase: 'closed',
        receipt: { returnId: 'RET-1', reference: 'R-0ABC12', at: T0 },
      }),
    });
    expect(screen.getByTestId('receipt').textContent).toContain('R-0ABC12');
    const qr = screen.getByRole('img', { name: 'QR code of reference R-0ABC12' });
    expect(readQr(drawnModules(qr)).text).toBe('R-0ABC12');
  });

  it("the courier screen offers doesn't fit and door didn't open while a door is opening", () => {
    show({
      screen: {
        name: 'courier',
        deposit: {
          operationId: 1,
          compartmentId: 'A1',
          barcode: 'TRK1',
          size: 'S',
          phase: 'opening',
          reason: null,
          since: T0,
        },
        sizeFor: null,
        deposits: [
          { parcelId: 'p0', trackingBarcode: 'TRK0', compartmentId: 'A2', depositedAt: T0 },
        ],
        notice: null,
        busy: false,
      },
    });
    expect(screen.getByTestId('deposit-line').textContent).toBe('Opening door A1 for TRK1…');
    expect(screen.getByRole('button', { name: "Doesn't fit" })).toBeTruthy();
    expect(screen.getByRole('button', { name: "Door didn't open" })).toBeTruthy();
    expect(screen.getByTestId('visit-list').textContent).toContain('TRK0');
  });

  it('an unannounced parcel asks for a size', () => {
    show({
      screen: {
        name: 'courier',
        deposit: null,
        sizeFor: 'NEW1',
        deposits: [],
        notice: null,
        busy: false,
      },
    });
    expect(screen.getByRole('button', { name: 'XL · Extra large' })).toBeTruthy();
  });

  it('staff actions stay disabled until a reason is given', () => {
    show({
      screen: {
        name: 'staff',
        tab: 'grid',
        selected: 'A1',
        reason: '',
        keyboard: null,
        events: [],
        diagnostics: null,
        notice: null,
        busy: false,
        compartments: [
          {
            ...layout.compartments[0]!,
            itemPresent: null,
            outOfServiceReason: null,
            content: null,
            operation: null,
          },
        ],
      },
    });
    expect(screen.getByRole('button', { name: 'Open door' })).toHaveProperty('disabled', true);
    fireEvent.click(screen.getByRole('button', { name: 'Inspection' }));
    expect(screen.getByRole('button', { name: 'Open door' })).toHaveProperty('disabled', false);
  });

  it('the idle warning shows in the last seconds', () => {
    show({
      screen: { name: 'courierLogin', notice: null, busy: false },
      lastActivity: T0 - 50_000,
    });
    expect(screen.getByRole('alertdialog', { name: 'Are you still there?' })).toBeTruthy();
  });

  it('the status bar shows staff offline and the events waiting', () => {
    show({
      session: { role: 'staff', subject: 's', expiresAt: T0 + 1 },
      status: {
        lockerId: 'l',
        cloud: { online: false, since: null },
        eventsWaiting: 3,
        oldestWaitingAt: T0,
        codeLength: 6,
      },
    });
    expect(screen.getByTestId('link-status').textContent).toBe('Offline');
    expect(screen.getByTestId('events-waiting').textContent).toBe('3 events waiting');
  });
});
