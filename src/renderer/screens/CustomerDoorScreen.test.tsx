// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STILL_SHUT_AFTER_MS } from '../store/doorOutcome';
import { resetKioskStore, useKiosk } from '../store/kioskStore';
import type { CustomerDoor } from '../store/screens';
import type { Answers } from '../testing/fakeApi';
import { customerDoor, push, renderKiosk, T0 } from '../testing/renderKiosk';

beforeEach(resetKioskStore);
afterEach(() => {
  cleanup();
  resetKioskStore();
});

const door = (more: Partial<CustomerDoor> = {}) => ({ screen: customerDoor(more) });

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

  it('a parcel left inside is a warning, not a thank-you, and opens again once with the same code', async () => {
    const { calls } = renderKiosk(
      door({ phase: 'open', again: { code: '123456', method: 'code' } }),
      {
        'pickup:code': () => ({
          ok: true,
          value: { operationId: 9, parcelId: 'parcel-7', compartmentId: 'A2' },
        }),
      },
    );
    finished('abandoned', 'not_taken');
    expect(title()).toBe('Your parcel is still inside');
    expect(screen.getByTestId('door-body').textContent).toBe(
      'It stays in door A2 for you and your code still works. Open the door again to take it, or come back later.',
    );
    expect(document.querySelector('main')!.dataset.tone).toBe('warning');
    fireEvent.click(screen.getByRole('button', { name: 'Open door A2 again' }));
    expect(await screen.findByText('Opening door A2…')).toBeTruthy();
    expect(calls).toContainEqual({
      channel: 'pickup:code',
      input: { code: '123456', method: 'code' },
    });
    // Once: the next door screen keeps no code.
    finished('abandoned', 'not_taken');
    expect(screen.queryByRole('button', { name: 'Open door A2 again' })).toBeNull();
  });

  it('a door not opened in time: the code still works', () => {
    renderKiosk(door());
    finished('abandoned', 'timeout');
    expect(
      screen.getByText('The door was not opened in time. Your code still works.'),
    ).toBeTruthy();
    expect(document.querySelector('main')!.dataset.tone).toBe('warning');
  });

  it('a door still shut after a few seconds: the screen says what to do', () => {
    renderKiosk(door());
    act(() => useKiosk.getState().tick(T0 + STILL_SHUT_AFTER_MS));
    expect(screen.getByTestId('door-body').textContent).toBe(
      'Door A2 should be open by now. If it is still shut, press "Door didn\'t open".',
    );
  });

  it('"door didn\'t open": one reopen of the same door, then a fault, with help', async () => {
    let call = 0;
    const { calls } = renderKiosk(door(), {
      'pickup:doorDidNotOpen': () =>
        ++call === 1
          ? { ok: true, value: { operationId: 7, parcelId: 'parcel-7', compartmentId: 'A2' } }
          : { ok: false, error: { reason: 'door_failed' } },
    });
    fireEvent.click(screen.getByRole('button', { name: "Door didn't open" }));
    expect(await screen.findByText('Opening door A2 once more…')).toBeTruthy();
    expect(calls).toContainEqual({
      channel: 'pickup:doorDidNotOpen',
      input: { operationId: 7, parcelId: 'parcel-7' },
    });
    fireEvent.click(screen.getByRole('button', { name: "It still didn't open" }));
    expect(await screen.findByText('Door A2 did not open')).toBeTruthy();
    expect(document.querySelector('main')!.dataset.tone).toBe('error');
    expect(screen.getByTestId('door-body').textContent).toContain('Your code still works');
    fireEvent.click(screen.getByRole('button', { name: 'Help' }));
    expect(screen.getByText(/give them locker L-1, door A2/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Done' })).toBeTruthy();
  });

  it('"door didn\'t open" on a door the locker sees open: it says which door is open', async () => {
    renderKiosk(door(), {
      'pickup:doorDidNotOpen': () => ({
        ok: false,
        error: { reason: 'door_was_open', compartmentId: 'A2' },
      }),
    });
    fireEvent.click(screen.getByRole('button', { name: "Door didn't open" }));
    expect(
      await screen.findByText('Door A2 has opened: it is the one lit up in the picture.'),
    ).toBeTruthy();
    expect(title()).toBe('Door A2 is open');
  });

  it('a return whose door stays shut moves to another door, as a warning', async () => {
    renderKiosk(door({ purpose: 'return', proof: 'RET-1', reopened: true }), {
      'return:doorDidNotOpen': () => ({
        ok: true,
        value: {
          operationId: 8,
          returnId: 'RET-1',
          reference: 'R-0ABC12',
          compartmentId: 'B1',
          size: 'M',
        },
      }),
    });
    fireEvent.click(screen.getByRole('button', { name: "It still didn't open" }));
    const notice = await screen.findByText(
      'Door A2 did not open and is out of service. Please use door B1.',
    );
    expect(notice.closest('.notice')!.className).toContain('notice-warning');
    expect(title()).toBe('Opening door B1…');
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

  it("a return that doesn't fit: empty and close the door first, then a larger one, or none", async () => {
    let call = 0;
    let larger = true;
    const { calls } = renderKiosk(
      door({
        purpose: 'return',
        proof: 'RET-1',
        phase: 'open',
        receipt: { returnId: 'RET-1', reference: 'R-0ABC12', at: 0 },
      }),
      {
        'return:doesntFit': () =>
          ++call === 1
            ? { ok: false, error: { reason: 'close_door_first', compartmentId: 'A2' } }
            : larger
              ? {
                  ok: true,
                  value: {
                    operationId: 8,
                    returnId: 'RET-1',
                    reference: 'R-0ABC12',
                    compartmentId: 'B2',
                    size: 'XL',
                  },
                }
              : { ok: false, error: { reason: 'no_larger_compartment' } },
      },
    );
    expect(screen.getByTestId('door-body').textContent).toBe(
      'Put your parcel in. Please close the door when you are done.',
    );
    fireEvent.click(screen.getByRole('button', { name: "It doesn't fit" }));
    await waitFor(() =>
      expect(screen.getByTestId('door-body').textContent).toBe(
        'Take your parcel out of door A2 and close the door.',
      ),
    );
    fireEvent.click(
      screen.getByRole('button', { name: 'Door A2 is empty and closed: open a larger door' }),
    );
    expect(await screen.findByText('Opening door B2…')).toBeTruthy();
    expect(screen.getByText('Door B2 is larger: put your parcel in there.')).toBeTruthy();
    expect(calls).toContainEqual({
      channel: 'return:doesntFit',
      input: { operationId: 7, returnId: 'RET-1' },
    });
    push('door:opened', { compartmentId: 'B2', operation: 'return_deposit' });
    larger = false;
    fireEvent.click(screen.getByRole('button', { name: "It doesn't fit" }));
    await waitFor(() =>
      expect(screen.getByRole('alert').textContent).toBe(
        'There is no larger compartment free right now.',
      ),
    );
    expect(title()).toBe('Door B2 is open');
  });
});
