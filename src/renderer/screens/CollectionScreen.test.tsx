// @vitest-environment jsdom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Collectable } from '../../shared/ipc/types';
import { resetKioskStore, useKiosk } from '../store/kioskStore';
import type { Answers } from '../testing/fakeApi';
import { push, renderKiosk, scan, T0 } from '../testing/renderKiosk';

beforeEach(resetKioskStore);
afterEach(() => {
  cleanup();
  resetKioskStore();
});

const expiredParcel: Collectable = {
  compartmentId: 'A1',
  kind: 'expired_parcel',
  barcode: 'TRK1',
  reference: 'TRK1',
};
const aReturn: Collectable = {
  compartmentId: 'B1',
  kind: 'return',
  barcode: '3f1e2d4c-5b6a-4789-9abc-def012345678',
  reference: 'R-7K4M2Q',
};

const byCompartment = (input: unknown) =>
  [expiredParcel, aReturn].find(
    (i) =>
      i.compartmentId === (input as { compartmentId?: string }).compartmentId ||
      i.barcode === (input as { barcode?: string }).barcode,
  )!;

/** Logged in as a courier, then "Collect expired parcels and returns". */
async function openCollection(items: Collectable[], answers: Answers = {}) {
  const api = renderKiosk(
    {
      session: { role: 'courier', subject: 'C-17', expiresAt: T0 + 600_000 },
      screen: {
        name: 'courier',
        deposit: null,
        sizeFor: null,
        deposits: [],
        notice: null,
        busy: false,
      },
    },
    {
      'collection:list': () => ({ ok: true, value: items }),
      'collection:open': (input) => ({ ok: true, value: byCompartment(input) }),
      'collection:scanOut': (input) => ({ ok: true, value: byCompartment(input) }),
      ...answers,
    },
  );
  fireEvent.click(screen.getByRole('button', { name: 'Collect expired parcels and returns' }));
  await screen.findByRole('heading', { name: 'Collection' });
  return api;
}

const count = () => screen.getByTestId('collection-count').textContent;
const statusLine = () => screen.getByTestId('collection-line').textContent;
const openNext = () => screen.queryByRole('button', { name: 'Open the next door' });

describe('collection', () => {
  it('nothing to collect: says so and offers no door', async () => {
    await openCollection([]);
    expect(count()).toBe('Nothing left to collect.');
    expect(openNext()).toBeNull();
    expect(screen.getByRole('button', { name: 'Deliveries' })).toBeTruthy();
  });

  it('lists each item with its door, its reference (a return by its short one) and kind', async () => {
    await openCollection([expiredParcel, aReturn]);
    expect(count()).toBe('2 items to collect');
    const rows = within(screen.getByTestId('collection-list')).getAllByRole('listitem');
    expect(rows.map((r) => r.textContent)).toEqual([
      'A1TRK1Expired parcelOpen door A1',
      'B1R-7K4M2QReturnOpen door B1',
    ]);
  });

  it('opens each door in turn: scan out, close, next door', async () => {
    const { calls } = await openCollection([expiredParcel, aReturn]);
    fireEvent.click(openNext()!);
    const line = 'Take the item out of door A1, scan it or press "Taken out", then close the door.';
    expect((await screen.findByTestId('collection-line')).textContent).toBe(line);
    expect(calls).toContainEqual({ channel: 'collection:open', input: { compartmentId: 'A1' } });
    expect(screen.getByRole('img', { name: 'Locker front, door A1 highlighted' })).toBeTruthy();
    expect(openNext()).toBeNull();

    push('door:opened', { compartmentId: 'A1', operation: 'collection' });
    scan('TRK1');
    expect(await screen.findByText('TRK1 taken out of door A1.')).toBeTruthy();
    expect(count()).toBe('1 item to collect');
    expect(within(screen.getByTestId('collection-list')).getByText('Collected')).toBeTruthy();

    push('operation:finished', {
      compartmentId: 'A1',
      operation: 'collection',
      outcome: 'completed',
      reason: null,
    });
    expect(statusLine()).toBe('Door A1 is closed.');
    expect(screen.getByRole('img', { name: 'Locker front' })).toBeTruthy();

    fireEvent.click(openNext()!);
    expect(await screen.findByText(line.replace('A1', 'B1'))).toBeTruthy();
    expect(calls).toContainEqual({ channel: 'collection:open', input: { compartmentId: 'B1' } });
    scan(aReturn.barcode);
    expect(await screen.findByText('R-7K4M2Q taken out of door B1.')).toBeTruthy();
    expect(count()).toBe('Nothing left to collect.');
  });

  it('a courier chooses the item from the list and marks it taken out, without a scan', async () => {
    const { calls } = await openCollection([expiredParcel, aReturn]);
    fireEvent.click(screen.getByRole('button', { name: 'Open door B1' }));
    await screen.findByTestId('collection-line');
    expect(calls).toContainEqual({ channel: 'collection:open', input: { compartmentId: 'B1' } });
    // While a door is in use, no other is offered.
    expect(screen.queryByRole('button', { name: 'Open door A1' })).toBeNull();
    push('door:opened', { compartmentId: 'B1', operation: 'collection' });
    fireEvent.click(screen.getByRole('button', { name: 'Taken out' }));
    expect(await screen.findByText('R-7K4M2Q taken out of door B1.')).toBeTruthy();
    expect(calls).toContainEqual({
      channel: 'collection:scanOut',
      input: { barcode: aReturn.barcode },
    });
  });

  it('a scan-out that is refused is told, and the item stays to collect', async () => {
    await openCollection([expiredParcel], {
      'collection:scanOut': () => ({ ok: false, error: { reason: 'not_in_an_open_compartment' } }),
    });
    fireEvent.click(openNext()!);
    await screen.findByTestId('collection-line');
    scan('TRK7');
    expect((await screen.findByRole('alert')).textContent).toBe('TRK7 is not in an open door.');
    expect(count()).toBe('1 item to collect');
  });

  it('a door that does not open is named and skipped', async () => {
    await openCollection([expiredParcel, aReturn], {
      'collection:open': () => ({ ok: false, error: { reason: 'door_failed' } }),
    });
    fireEvent.click(openNext()!);
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Door A1 did not open. It is out of service now.',
    );
    expect(count()).toBe('1 item to collect');
  });

  it('a list that cannot be read is told as a sentence', async () => {
    await openCollection([], {
      'collection:list': () => ({ ok: false, error: { reason: 'unavailable' } }),
    });
    expect(screen.getByRole('alert').textContent).toBe('Something went wrong. Please try again.');
  });

  it('logging out goes home and ends the session', async () => {
    const { calls } = await openCollection([]);
    fireEvent.click(screen.getByRole('button', { name: 'Log out' }));
    expect(await screen.findByRole('heading', { name: 'Welcome' })).toBeTruthy();
    expect(calls).toContainEqual({ channel: 'session:logout', input: {} });
    expect(useKiosk.getState().session).toBeNull();
  });
});
