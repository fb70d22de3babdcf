// @vitest-environment jsdom
import { cleanup, fireEvent, screen } from '@testing-library/react';
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
  value: { operationId: 3, returnId: 'RET-42', compartmentId: 'B1', size: 'M' },
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
    expect(receipt).toContain('RET-42');
    expect(receipt).toContain('B1');
    expect(receipt).toContain(String(new Date(T0).getFullYear()));
  });

  it('a return QR code is sent as a scan', async () => {
    const { calls } = returnScreen(() => opened);
    scan('RQR-1');
    await screen.findByTestId('door-title');
    expect(calls).toContainEqual({
      channel: 'return:code',
      input: { code: 'RQR-1', method: 'qr' },
    });
  });

  it('a code in a bad format gets the same neutral sentence and an empty field', async () => {
    returnScreen(() => ({ ok: false, error: { reason: 'bad_format' } }));
    type('12');
    fireEvent.click(openButton());
    expect((await screen.findByRole('alert')).textContent).toBe(
      'This code cannot be used. Please check it and try again.',
    );
    expect(screen.getByTestId('code-display').textContent).toContain('No digits entered yet');
    type('3');
    expect(screen.queryByRole('alert')).toBeNull();
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
