/** Renders the whole kiosk (App) on a fresh store with a fake KioskApi, for screen tests. */
import { act, render } from '@testing-library/react';
import type { PushEvent, PushPayload } from '../../shared/ipc/contract';
import type { LockerLayout, StaffCompartment } from '../../shared/ipc/types';
import { App } from '../App';
import { createI18n } from '../i18n';
import { useKiosk, type KioskState } from '../store/kioskStore';
import type { CustomerDoor } from '../store/screens';
import { fakeApi, type Answers } from './fakeApi';

/** A fixed "now" for the store's clock (the ticker is not running in tests). */
export const T0 = 1_800_000_000_000;

const door = (id: string, row: number, size: 'S' | 'M' | 'L' | 'XL', heightMm: number) => ({
  id,
  column: id[0]!,
  row,
  size,
  heightMm,
  lowerDoor: false,
  state: 'available' as const,
  doorOpen: false,
});

export const layout: LockerLayout = {
  lockerId: 'L-1',
  columns: ['A', 'B'],
  compartments: [
    door('A1', 1, 'S', 90),
    door('A2', 2, 'M', 190),
    door('A3', 3, 'L', 390),
    door('B1', 1, 'M', 190),
    door('B2', 2, 'XL', 590),
  ],
};

export function staffCompartment(
  id: string,
  more: Partial<StaffCompartment> = {},
): StaffCompartment {
  const base = layout.compartments.find((c) => c.id === id) ?? door(id, 1, 'S', 90);
  return {
    ...base,
    itemPresent: null,
    outOfServiceReason: null,
    content: null,
    operation: null,
    ...more,
  };
}

/** A customer's door screen as a pickup's code opens it, with any field changed. */
export function customerDoor(more: Partial<CustomerDoor> = {}): CustomerDoor {
  return {
    name: 'customerDoor',
    purpose: 'pickup',
    operationId: 7,
    compartmentId: 'A2',
    proof: 'parcel-7',
    phase: 'opening',
    since: T0,
    receipt: null,
    reason: null,
    reopened: false,
    closingFirst: false,
    again: null,
    help: false,
    busy: false,
    notice: null,
    ...more,
  };
}

export function renderKiosk(
  state: Partial<KioskState> = {},
  answers: Answers = {},
  language = 'en',
) {
  const fake = fakeApi({
    'pickup:throttle': () => ({ ok: true, value: { retryAfterMs: 0, attemptsLeft: 5 } }),
    'locker:layout': () => ({ ok: true, value: layout }),
    'session:logout': () => ({ ok: true, value: null }),
    'deposit:list': () => ({ ok: true, value: [] }),
    ...answers,
  });
  useKiosk.setState({ api: fake.api, now: T0, lastActivity: T0, layout, ...state });
  const view = render(<App i18n={createI18n(language)} />);
  return { ...fake, view };
}

/** A push event from main, delivered the way subscriptions.ts delivers it. */
export function push<E extends PushEvent>(event: E, payload: PushPayload<E>): void {
  act(() => useKiosk.getState().onPush(event, payload));
}

/** A scan from the scanner (hardware or wedge), as main pushes it. */
export function scan(text: string): void {
  push('scan:received', { text, symbology: 'code128' });
}
