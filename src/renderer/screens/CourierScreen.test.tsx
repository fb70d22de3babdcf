// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VisitDeposit } from '../../shared/ipc/types';
import { STILL_SHUT_AFTER_MS } from '../store/doorOutcome';
import { resetKioskStore, useKiosk } from '../store/kioskStore';
import type { Answers } from '../testing/fakeApi';
import { push, renderKiosk, scan, T0 } from '../testing/renderKiosk';

beforeEach(resetKioskStore);
afterEach(() => {
  cleanup();
  resetKioskStore();
});

const courier = {
  session: { role: 'courier' as const, subject: 'C-17', expiresAt: T0 + 600_000 },
  screen: {
    name: 'courier' as const,
    deposit: null,
    sizeFor: null,
    deposits: [],
    notice: null,
    busy: false,
  },
};

const started = (compartmentId: string, operationId = 1) => ({
  ok: true as const,
  value: { operationId, parcelId: 'p1', compartmentId, size: 'S' as const },
});

const line = () => screen.getByTestId('deposit-line').textContent;

/** Scan TRK1 and see door A1 open. */
async function depositInA1(answers: Answers = {}) {
  const api = renderKiosk(courier, { 'deposit:start': () => started('A1'), ...answers });
  scan('TRK1');
  expect((await screen.findByTestId('deposit-line')).textContent).toBe('Opening door A1 for TRK1…');
  push('door:opened', { compartmentId: 'A1', operation: 'deposit' });
  expect(line()).toBe('Put the parcel in door A1 and close it');
  return api;
}

describe('the courier screen', () => {
  it('idle: asks for a scan, nothing lit, no door buttons, an empty visit', () => {
    renderKiosk(courier);
    expect(screen.getByRole('heading', { name: 'Scan a parcel' })).toBeTruthy();
    expect(
      screen.getByText('Scan the barcode on the label. The right door opens by itself.'),
    ).toBeTruthy();
    expect(screen.queryByTestId('deposit-line')).toBeNull();
    expect(screen.queryByRole('button', { name: "Doesn't fit" })).toBeNull();
    expect(screen.getByText('No parcels deposited yet.')).toBeTruthy();
    expect(screen.getByRole('img', { name: 'Locker front' })).toBeTruthy();
    expect(document.querySelector('.locker-door.lit')).toBeNull();
  });

  it('a scan opens the parcel’s door: lit on the drawing, with both escape buttons', async () => {
    const { calls } = renderKiosk(courier, { 'deposit:start': () => started('A1') });
    scan('TRK1');
    expect((await screen.findByTestId('deposit-line')).textContent).toBe(
      'Opening door A1 for TRK1…',
    );
    expect(calls).toContainEqual({ channel: 'deposit:start', input: { barcode: 'TRK1' } });
    expect(screen.getByRole('img', { name: 'Locker front, door A1 highlighted' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Scan a parcel' })).toBeNull();
    expect(screen.getByRole('button', { name: "Doesn't fit" })).toBeTruthy();
    expect(screen.getByRole('button', { name: "Door didn't open" })).toBeTruthy();
    // Seen open, "didn't open" would only be refused: it is no longer offered.
    push('door:opened', { compartmentId: 'A1', operation: 'deposit' });
    expect(screen.queryByRole('button', { name: "Door didn't open" })).toBeNull();
    expect(screen.getByRole('button', { name: "Doesn't fit" })).toBeTruthy();
  });

  it('a door not seen open after a few seconds: the line says what to do', async () => {
    renderKiosk(courier, { 'deposit:start': () => started('A1') });
    scan('TRK1');
    await screen.findByText('Opening door A1 for TRK1…');
    act(() => useKiosk.getState().tick(T0 + STILL_SHUT_AFTER_MS));
    expect(line()).toBe(
      'Door A1 should be open by now. If it is still shut, press "Door didn\'t open".',
    );
  });

  it('a second scan while a door is in play starts nothing, and says what to finish first', async () => {
    const { calls } = await depositInA1();
    scan('TRK2');
    await Promise.resolve();
    expect(calls.filter((c) => c.channel === 'deposit:start')).toHaveLength(1);
    expect(
      screen.getByText(
        'Finish with door A1 first: put the parcel in and close the door. Then scan TRK2.',
      ),
    ).toBeTruthy();
    expect(line()).toBe('Put the parcel in door A1 and close it');
  });

  it('"doesn\'t fit" opens the next door; the first door’s own ending changes nothing', async () => {
    const { calls } = await depositInA1({ 'deposit:doesntFit': () => started('A2', 2) });
    fireEvent.click(screen.getByRole('button', { name: "Doesn't fit" }));
    expect(await screen.findByText('Opening door A2 for TRK1…')).toBeTruthy();
    expect(calls).toContainEqual({ channel: 'deposit:doesntFit', input: { operationId: 1 } });
    push('operation:finished', {
      compartmentId: 'A1',
      operation: 'deposit',
      outcome: 'abandoned',
      reason: 'doesnt_fit',
    });
    expect(line()).toBe('Opening door A2 for TRK1…');
    expect(screen.getByRole('img', { name: 'Locker front, door A2 highlighted' })).toBeTruthy();
  });

  it('"doesn\'t fit" while the door stands open: empty and close it first, then a larger one', async () => {
    let call = 0;
    const { calls } = await depositInA1({
      'deposit:doesntFit': () =>
        ++call === 1
          ? { ok: false, error: { reason: 'close_door_first', compartmentId: 'A1' } }
          : started('B2', 2),
    });
    fireEvent.click(screen.getByRole('button', { name: "Doesn't fit" }));
    await waitFor(() => expect(line()).toBe('Take the parcel out of door A1 and close it'));
    expect(screen.queryByRole('button', { name: "Door didn't open" })).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
    fireEvent.click(
      screen.getByRole('button', { name: 'Door A1 is empty and closed: open a larger one' }),
    );
    expect(await screen.findByText('Opening door B2 for TRK1…')).toBeTruthy();
    expect(calls.filter((c) => c.channel === 'deposit:doesntFit')).toHaveLength(2);
    expect(screen.getByRole('button', { name: "Doesn't fit" })).toBeTruthy();
  });

  it('a door the locker finds jammed is said so, not left "opening"', async () => {
    renderKiosk(courier, { 'deposit:start': () => started('A1') });
    scan('TRK1');
    expect((await screen.findByTestId('deposit-line')).textContent).toBe(
      'Opening door A1 for TRK1…',
    );
    push('operation:finished', {
      compartmentId: 'A1',
      operation: 'deposit',
      outcome: 'abandoned',
      reason: 'door_failed',
    });
    expect(line()).toBe('Door A1 did not open and is out of service now. Scan the parcel again.');
  });

  it('"door didn\'t open" first tries the same door once more, then another door, and says so', async () => {
    let call = 0;
    const { calls } = renderKiosk(courier, {
      'deposit:start': () => started('A1'),
      'deposit:doorDidNotOpen': () => (++call === 1 ? started('A1') : started('B1', 2)),
    });
    scan('TRK1');
    await screen.findByText('Opening door A1 for TRK1…');
    fireEvent.click(screen.getByRole('button', { name: "Door didn't open" }));
    expect(await screen.findByText('Opening door A1 once more for TRK1…')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: "It still didn't open" }));
    expect(
      await screen.findByText('Door A1 did not open and is out of service. Please use door B1.'),
    ).toBeTruthy();
    expect(line()).toBe('Opening door B1 for TRK1…');
    expect(calls.filter((c) => c.channel === 'deposit:doorDidNotOpen')).toHaveLength(2);
  });

  it('no larger compartment: the courier takes the parcel back, and may scan again', async () => {
    await depositInA1({
      'deposit:doesntFit': () => ({ ok: false, error: { reason: 'no_larger_compartment' } }),
    });
    fireEvent.click(screen.getByRole('button', { name: "Doesn't fit" }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'There is no larger compartment free. Take the parcel back.',
    );
    expect(screen.getByRole('heading', { name: 'Scan a parcel' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: "Doesn't fit" })).toBeNull();
  });

  it('no door opens at all: the courier keeps the parcel and reports the locker (a fault)', async () => {
    renderKiosk(courier, {
      'deposit:start': () => started('A1'),
      'deposit:doorDidNotOpen': () => ({
        ok: false,
        error: { reason: 'door_failed', tried: ['A1', 'A2'] },
      }),
    });
    scan('TRK1');
    await screen.findByText('Opening door A1 for TRK1…');
    fireEvent.click(screen.getByRole('button', { name: "Door didn't open" }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(
      'Doors on this locker are not opening. Keep parcel TRK1 and report the locker.',
    );
    expect(alert.className).toContain('notice-error');
    expect(screen.getByRole('heading', { name: 'Scan a parcel' })).toBeTruthy();
  });

  it('no free compartment of the size: the sentence names the parcel', async () => {
    renderKiosk(courier, {
      'deposit:start': () => ({ ok: false, error: { reason: 'no_free_compartment', size: 'L' } }),
    });
    scan('TRK9');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The locker is full for this size. Take parcel TRK9 back.',
    );
  });

  it('no compartment of the locker fits: the sentence names the parcel', async () => {
    renderKiosk(courier, {
      'deposit:start': () => ({ ok: false, error: { reason: 'no_compartment_fits' } }),
    });
    scan('TRK8');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'No compartment of this locker fits parcel TRK8.',
    );
  });

  it('the visit list grows when a deposit finishes', async () => {
    const earlier: VisitDeposit = {
      parcelId: 'p0',
      trackingBarcode: 'TRK0',
      compartmentId: 'B2',
      depositedAt: T0 - 60_000,
    };
    const visit = [earlier];
    const { calls } = renderKiosk(
      { ...courier, screen: { ...courier.screen, deposits: [earlier] } },
      {
        'deposit:start': () => started('A1'),
        'deposit:list': () => ({ ok: true, value: [...visit] }),
      },
    );
    const items = () =>
      within(screen.getByTestId('visit-list'))
        .getAllByRole('listitem')
        .map((i) => i.textContent);
    expect(items()).toEqual(['B2TRK0']);
    scan('TRK1');
    await screen.findByText('Opening door A1 for TRK1…');
    push('door:opened', { compartmentId: 'A1', operation: 'deposit' });
    visit.push({ parcelId: 'p1', trackingBarcode: 'TRK1', compartmentId: 'A1', depositedAt: T0 });
    push('operation:finished', {
      compartmentId: 'A1',
      operation: 'deposit',
      outcome: 'completed',
      reason: null,
    });
    expect(line()).toBe('Parcel TRK1 is in door A1. Scan the next one.');
    expect(screen.getByRole('heading', { name: 'Scan a parcel' })).toBeTruthy();
    await waitFor(() => expect(items()).toEqual(['B2TRK0', 'A1TRK1']));
    expect(calls.filter((c) => c.channel === 'deposit:list')).toHaveLength(1);
  });

  it('an unannounced parcel: the chosen size goes with the next try; cancel goes back', async () => {
    const { calls } = renderKiosk(courier, {
      'deposit:start': (input) =>
        (input as { size?: string }).size
          ? started('B2')
          : { ok: false, error: { reason: 'size_needed' } },
    });
    scan('NEW1');
    expect(
      await screen.findByRole('heading', { name: 'This parcel was not announced' }),
    ).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'XL · Extra large' }));
    expect(await screen.findByText('Opening door B2 for NEW1…')).toBeTruthy();
    expect(calls).toContainEqual({
      channel: 'deposit:start',
      input: { barcode: 'NEW1', size: 'XL' },
    });
  });
});
