// @vitest-environment jsdom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetKioskStore } from '../store/kioskStore';
import type { Screen } from '../store/screens';
import type { Answers } from '../testing/fakeApi';
import { push, renderKiosk } from '../testing/renderKiosk';

beforeEach(resetKioskStore);
afterEach(() => {
  cleanup();
  resetKioskStore();
});

const door = (more: Partial<Extract<Screen, { name: 'customerDoor' }>> = {}) => ({
  screen: {
    name: 'customerDoor' as const,
    purpose: 'pickup' as const,
    operationId: 7,
    compartmentId: 'A2',
    phase: 'opening' as const,
    receipt: null,
    reason: null,
    busy: false,
    notice: null,
    ...more,
  },
});

const title = () => screen.getByTestId('door-title').textContent;
const finished = (outcome: 'completed' | 'abandoned', reason: string | null = null) =>
  push('operation:finished', { compartmentId: 'A2', operation: 'pickup', outcome, reason });

describe('the customer door screen', () => {
  it('opening → open → closed → thanks → back home', async () => {
    renderKiosk(door());
    expect(title()).toBe('Opening door A2…');
    expect(
      screen.getByText('Take your parcel out. Please close the door when you are done.'),
    ).toBeTruthy();
    expect(screen.getByRole('img', { name: 'Locker front, door A2 highlighted' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Done' })).toBeNull();

    push('door:opened', { compartmentId: 'B1', operation: 'unexpected' });
    expect(title()).toBe('Opening door A2…');
    push('door:opened', { compartmentId: 'A2', operation: 'pickup' });
    expect(title()).toBe('Door A2 is open');

    push('door:closed', { compartmentId: 'A2', operation: 'pickup' });
    finished('completed');
    expect(title()).toBe('Thank you!');
    expect(screen.getByText('Your parcel has been picked up. Have a nice day.')).toBeTruthy();
    expect(screen.getByRole('img', { name: 'Locker front' })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Done' }));
    expect(await screen.findByRole('heading', { name: 'Welcome' })).toBeTruthy();
  });

  it('a parcel left inside stays for the customer, whose code still works', () => {
    renderKiosk(door({ phase: 'open' }));
    finished('abandoned', 'not_taken');
    expect(title()).toBe('Thank you!');
    expect(
      screen.getByText(
        'The parcel is still inside, so it stays here for you. Your code still works.',
      ),
    ).toBeTruthy();
  });

  it('a door not opened in time: the code still works', () => {
    renderKiosk(door());
    finished('abandoned', 'timeout');
    expect(
      screen.getByText('The door was not opened in time. Your code still works.'),
    ).toBeTruthy();
  });

  it('a door that fails to open: the customer is told to try again or contact support', async () => {
    const answers: Answers = {
      'pickup:code': () => ({ ok: false, error: { reason: 'door_failed' } }),
    };
    const { calls } = renderKiosk(
      { screen: { name: 'pickup', code: '123456', notice: null, busy: false } },
      answers,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Open the door' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The door could not be opened. Your code is still valid. Please try again or contact customer support.',
    );
    expect(calls).toContainEqual({
      channel: 'pickup:code',
      input: { code: '123456', method: 'code' },
    });
    expect(screen.queryByTestId('door-title')).toBeNull();
  });

  it("a return that doesn't fit gets a larger door, or is told there is none", async () => {
    let larger = true;
    const { calls } = renderKiosk(
      door({ purpose: 'return', receipt: { returnId: 'RET-1', at: 0 } }),
      {
        'return:doesntFit': () =>
          larger
            ? {
                ok: true,
                value: { operationId: 8, returnId: 'RET-1', compartmentId: 'B2', size: 'XL' },
              }
            : { ok: false, error: { reason: 'no_larger_compartment' } },
      },
    );
    expect(
      screen.getByText('Put your parcel in. Please close the door when you are done.'),
    ).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: "It doesn't fit" }));
    expect(await screen.findByText('Opening door B2…')).toBeTruthy();
    expect(calls).toContainEqual({
      channel: 'return:doesntFit',
      input: { operationId: 7, returnId: 'RET-1' },
    });
    larger = false;
    fireEvent.click(screen.getByRole('button', { name: "It doesn't fit" }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'There is no larger compartment free right now.',
    );
    expect(title()).toBe('Opening door B2…');
  });
});
