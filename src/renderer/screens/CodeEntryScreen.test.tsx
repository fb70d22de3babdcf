// @vitest-environment jsdom
import { qrPayload } from '../../shared/qrToken';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResultOf } from '../../shared/ipc/contract';
import { resetKioskStore } from '../store/kioskStore';
import { push, renderKiosk, scan, T0 } from '../testing/renderKiosk';

beforeEach(resetKioskStore);
afterEach(() => {
  cleanup();
  resetKioskStore();
});

const opened: ResultOf<'return:code'> = {
  ok: true,
  value: {
    operationId: 3,
    returnId: 'RET-42',
    reference: 'R-0ABC12',
    compartmentId: 'B1',
    size: 'M',
  },
};

function returnScreen(answer: () => ResultOf<'return:code'>) {
  const api = renderKiosk({}, { 'return:code': answer });
  fireEvent.click(screen.getByRole('button', { name: /Return a parcel/ }));
  return api;
}

const type = (digits: string) => {
  for (const d of digits) fireEvent.click(screen.getByRole('button', { name: `Digit ${d}` }));
};
const openButton = () => screen.getByRole('button', { name: 'Open a door' });

describe('return code entry', () => {
  it('a return code opens a door and ends with a receipt', async () => {
    const { calls } = returnScreen(() => opened);
    expect(screen.getByRole('heading', { name: 'Return a parcel' })).toBeTruthy();
    expect(
      screen.getByText('Enter your return code, or hold its QR code under the scanner.'),
    ).toBeTruthy();
    expect(openButton()).toHaveProperty('disabled', true);
    type('482913');
    expect(openButton()).toHaveProperty('disabled', false);
    fireEvent.click(openButton());
    expect((await screen.findByTestId('door-title')).textContent).toBe('Opening door B1…');
    expect(calls).toContainEqual({
      channel: 'return:code',
      input: { code: '482913', method: 'code' },
    });
    push('door:opened', { compartmentId: 'B1', operation: 'return_deposit' });
    expect(screen.getByTestId('door-title').textContent).toBe('Door B1 is open');
    push('operation:finished', {
      compartmentId: 'B1',
      operation: 'return_deposit',
      outcome: 'completed',
      reason: null,
    });
    expect(screen.getByTestId('door-title').textContent).toBe('Return received');
    const receipt = screen.getByTestId('receipt').textContent ?? '';
    // The short reference, not the 36-character id nobody can keep.
    expect(screen.getByTestId('return-reference').textContent).toBe('R-0ABC12');
    expect(receipt).not.toContain('RET-42');
    expect(receipt).toContain('B1');
    expect(receipt).toContain(String(new Date(T0).getFullYear()));
  });

  it('a return QR code is sent as a scan', async () => {
    const { calls } = returnScreen(() => opened);
    const returnQr = qrPayload('return', 'R'.repeat(22));
    scan(returnQr);
    await screen.findByTestId('door-title');
    expect(calls).toContainEqual({
      channel: 'return:code',
      input: { code: returnQr, method: 'qr' },
    });
  });

  it('a refused code gets the neutral sentence and stays on screen to compare; a digit starts afresh', async () => {
    returnScreen(() => ({ ok: false, error: { reason: 'bad_format' } }));
    type('123456');
    fireEvent.click(openButton());
    expect((await screen.findByRole('alert')).textContent).toBe(
      'This code cannot be used. Please check it and try again.',
    );
    const display = screen.getByTestId('code-display');
    expect(display.textContent).toContain('1 2 3 4 5 6 (not accepted)');
    expect(display.className).toContain('rejected');
    type('3');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(display.textContent).toContain('3');
    expect(display.textContent).not.toContain('1 2 3');
    expect(display.className).not.toContain('rejected');
  });

  it('⌫ corrects a refused code instead of starting again', async () => {
    returnScreen(() => ({ ok: false, error: { reason: 'code_invalid' } }));
    type('123456');
    fireEvent.click(openButton());
    await screen.findByRole('alert');
    fireEvent.click(screen.getByRole('button', { name: 'Delete last digit' }));
    type('7');
    expect(screen.getByTestId('code-display').textContent).toContain('1 2 3 4 5 7');
  });

  it('a wrong typed code says how many tries are left before the keypad waits', async () => {
    let left = 3;
    renderKiosk(
      { screen: { name: 'pickup', code: '', notice: null, busy: false } },
      {
        'pickup:code': () => ({ ok: false, error: { reason: 'code_invalid' } }),
        'pickup:throttle': () => ({ ok: true, value: { retryAfterMs: 0, attemptsLeft: left } }),
      },
    );
    type('111111');
    fireEvent.click(screen.getByRole('button', { name: 'Open the door' }));
    expect((await screen.findByTestId('attempts-left')).textContent).toBe(
      'You can try 3 more times before the keypad makes you wait.',
    );
    left = 0;
    type('222222');
    fireEvent.click(screen.getByRole('button', { name: 'Open the door' }));
    await waitFor(() =>
      expect(screen.getByTestId('attempts-left').textContent).toBe(
        'The next wrong code makes the keypad wait a while.',
      ),
    );
  });

  it('no free compartment for the return says to come back later', async () => {
    returnScreen(() => ({ ok: false, error: { reason: 'no_free_compartment', size: 'L' } }));
    type('111111');
    fireEvent.click(openButton());
    expect((await screen.findByRole('alert')).textContent).toBe(
      'There is no free compartment for this return right now. Please try again later.',
    );
  });

  it('takes at most ten digits', () => {
    returnScreen(() => opened);
    type('123456789012');
    expect(screen.getByTestId('code-display').textContent).toContain('1 2 3 4 5 6 7 8 9 0');
    expect(screen.getByTestId('code-display').textContent).not.toContain('0 1');
  });
});

describe('codes of every length the cloud issues (6–10)', () => {
  const pickedUp: ResultOf<'pickup:code'> = {
    ok: true,
    value: { operationId: 4, parcelId: 'P-8', compartmentId: 'A2' },
  };
  const cells = () => screen.getByTestId('code-display').querySelectorAll('.code-cell');
  const pickupOpen = () => screen.getByRole('button', { name: 'Open the door' });

  it('an 8-digit code: eight boxes where the locker issues 8 digits, Open from the sixth, all eight sent', async () => {
    const { calls } = renderKiosk({}, { 'pickup:code': () => pickedUp });
    push('status:changed', {
      lockerId: 'L-1',
      cloud: { online: true, since: T0 },
      eventsWaiting: 0,
      oldestWaitingAt: null,
      codeLength: 8,
    });
    fireEvent.click(screen.getByRole('button', { name: /Pick up a parcel/ }));
    expect(cells()).toHaveLength(8);
    type('12345');
    expect(pickupOpen()).toHaveProperty('disabled', true);
    type('6');
    // A code issued at six digits before the locker moved to eight still goes through.
    expect(pickupOpen()).toHaveProperty('disabled', false);
    type('78');
    expect(cells()).toHaveLength(8);
    fireEvent.click(pickupOpen());
    expect((await screen.findByTestId('door-title')).textContent).toBe('Opening door A2…');
    expect(calls).toContainEqual({
      channel: 'pickup:code',
      input: { code: '12345678', method: 'code' },
    });
  });

  it('without word from the kiosk six boxes, growing with the code up to ten', () => {
    renderKiosk({}, { 'pickup:code': () => pickedUp });
    fireEvent.click(screen.getByRole('button', { name: /Pick up a parcel/ }));
    expect(cells()).toHaveLength(6);
    expect(pickupOpen()).toHaveProperty('disabled', true);
    type('123456789');
    expect(cells()).toHaveLength(9);
    type('01');
    expect(cells()).toHaveLength(10);
    expect(screen.getByTestId('code-display').textContent).toContain('1 2 3 4 5 6 7 8 9 0');
  });
});
