// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  Diagnostics,
  KioskStatus,
  RecentEvent,
  StaffCompartment,
} from '../../shared/ipc/types';
import { resetKioskStore } from '../store/kioskStore';
import type { Answers } from '../testing/fakeApi';
import { renderKiosk, staffCompartment, T0 } from '../testing/renderKiosk';

beforeEach(resetKioskStore);
afterEach(() => {
  cleanup();
  resetKioskStore();
});

const compartments: StaffCompartment[] = [
  staffCompartment('A1'),
  staffCompartment('A2', { state: 'reserved', content: { kind: 'return', returnId: 'RET-3' } }),
  staffCompartment('A3', {
    state: 'occupied',
    content: { kind: 'parcel', trackingBarcode: 'TRK3', expired: false, expiresAt: T0 + 1 },
  }),
  staffCompartment('B1', {
    state: 'occupied',
    doorOpen: true,
    content: { kind: 'parcel', trackingBarcode: 'TRK4', expired: true, expiresAt: T0 - 1 },
  }),
  staffCompartment('B2', {
    state: 'out_of_service',
    doorOpen: null,
    outOfServiceReason: 'hinge broken',
  }),
];

function staff(answers: Answers = {}, status: KioskStatus | null = null) {
  return renderKiosk(
    {
      session: { role: 'staff', subject: 'S-2', expiresAt: T0 + 600_000 },
      status,
      screen: {
        name: 'staff',
        tab: 'grid',
        compartments,
        selected: null,
        reason: '',
        events: [],
        diagnostics: null,
        notice: null,
        busy: false,
      },
    },
    {
      'staff:compartments': () => ({ ok: true, value: compartments }),
      'staff:openDoor': () => ({ ok: true, value: null }),
      'staff:setService': () => ({ ok: true, value: null }),
      ...answers,
    },
  );
}

const cell = (id: string) =>
  document.querySelector<HTMLButtonElement>(`[data-compartment="${id}"].cell`)!;
const reason = (text: string) =>
  fireEvent.change(screen.getByRole('textbox', { name: 'Reason' }), { target: { value: text } });

describe('the staff screen', () => {
  it('draws every compartment with its state, expiry and open door, named for screen readers', () => {
    staff();
    const grid = screen.getByRole('group', { name: 'Choose a compartment' });
    // The name comes from the visible words (axe: label-content-name-mismatch). jsdom's name
    // computation spaces out inline elements that Chromium runs together ("A1 , S").
    const named = (name: string) => (computed: string) => computed.replace(/ ,/g, ',') === name;
    for (const name of [
      'A1, S, Free',
      'A2, M, Reserved',
      'A3, L, Occupied',
      'B1, M, expired, Door open',
      'B2, XL, Out of service',
    ])
      expect(within(grid).getByRole('button', { name: named(name) })).toBeTruthy();
    expect(
      within(grid)
        .getAllByRole('button')
        .filter((b) => b.hasAttribute('aria-label')),
    ).toEqual([]);
    expect(cell('A1').className).toContain('state-available');
    expect(cell('A2').className).toContain('state-reserved');
    expect(cell('A3').className).toContain('state-occupied');
    expect(cell('B1').className).toContain('expired');
    expect(cell('B2').className).toContain('state-out_of_service');
    expect(cell('B1').textContent).toBe('B1, M, expired, Door open');
    expect(cell('B2').textContent).toBe('B2, XL, Out of service');
  });

  it('a selected compartment shows what is in it and why it is out of service', () => {
    staff();
    fireEvent.click(cell('B2'));
    expect(cell('B2').getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByRole('heading', { name: 'B2 · XL · Out of service' })).toBeTruthy();
    const panel = screen.getByRole('heading', { name: /B2/ }).closest('aside')!;
    expect(within(panel).getByText('hinge broken')).toBeTruthy();
    expect(within(panel).getByText('unknown')).toBeTruthy();
    expect(within(panel).getByRole('button', { name: 'Back in service' })).toBeTruthy();
    expect(within(panel).queryByRole('button', { name: 'Take out of service' })).toBeNull();

    fireEvent.click(cell('B1'));
    expect(within(panel).getByText('TRK4 (expired)')).toBeTruthy();
    expect(within(panel).getByRole('button', { name: 'Take out of service' })).toBeTruthy();
    fireEvent.click(cell('A2'));
    expect(within(panel).getByText('RET-3')).toBeTruthy();
    fireEvent.click(cell('A2'));
    expect(screen.queryByRole('heading', { name: /A2 ·/ })).toBeNull();
  });

  it('a reason of at least three characters unlocks the actions', () => {
    staff();
    fireEvent.click(cell('A1'));
    const open = screen.getByRole('button', { name: 'Open door' });
    reason('ab ');
    expect(open).toHaveProperty('disabled', true);
    reason('abc');
    expect(open).toHaveProperty('disabled', false);
    expect(screen.getByRole('button', { name: 'Take out of service' })).toHaveProperty(
      'disabled',
      false,
    );
  });

  it('opens a door with the reason, confirms, clears the reason and re-reads the grid', async () => {
    const { calls } = staff();
    fireEvent.click(cell('A3'));
    reason('customer called');
    fireEvent.click(screen.getByRole('button', { name: 'Open door' }));
    expect(await screen.findByText('Door A3 opened.')).toBeTruthy();
    expect(calls).toContainEqual({
      channel: 'staff:openDoor',
      input: { compartmentId: 'A3', reason: 'customer called' },
    });
    expect(screen.getByRole('textbox', { name: 'Reason' })).toHaveProperty('value', '');
    await waitFor(() =>
      expect(calls.filter((c) => c.channel === 'staff:compartments').length).toBeGreaterThan(0),
    );
  });

  it('takes a compartment out of service and brings one back, each with its reason', async () => {
    const { calls } = staff();
    fireEvent.click(cell('A1'));
    reason('lock sticks');
    fireEvent.click(screen.getByRole('button', { name: 'Take out of service' }));
    expect(await screen.findByText('Compartment A1 is out of service.')).toBeTruthy();
    expect(calls).toContainEqual({
      channel: 'staff:setService',
      input: { compartmentId: 'A1', inService: false, reason: 'lock sticks' },
    });

    fireEvent.click(cell('B2'));
    reason('hinge replaced');
    fireEvent.click(screen.getByRole('button', { name: 'Back in service' }));
    expect(await screen.findByText('Compartment B2 is back in service.')).toBeTruthy();
    expect(calls).toContainEqual({
      channel: 'staff:setService',
      input: { compartmentId: 'B2', inService: true, reason: 'hinge replaced' },
    });
  });

  it('a refused action is told with the compartment, and the reason is kept', async () => {
    staff({ 'staff:openDoor': () => ({ ok: false, error: { reason: 'door_busy' } }) });
    fireEvent.click(cell('A3'));
    reason('check');
    fireEvent.click(screen.getByRole('button', { name: 'Open door' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Door A3 is in use.');
    expect(screen.getByRole('textbox', { name: 'Reason' })).toHaveProperty('value', 'check');
  });

  it('opens all expired and says which opened and which failed', async () => {
    let failed: string[] = ['B2'];
    staff({
      'staff:openAllExpired': () => ({ ok: true, value: { opened: ['B1'], failed } }),
    });
    fireEvent.click(screen.getByRole('button', { name: 'Open all expired' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Opened: B1. Failed: B2.');
    failed = [];
    fireEvent.click(screen.getByRole('button', { name: 'Open all expired' }));
    expect(await screen.findByText('Opened: B1. Failed: —.')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('the events tab lists recent events', async () => {
    const events: RecentEvent[] = [
      { seq: 12, type: 'parcel.deposited', at: new Date(T0).toISOString(), summary: 'TRK1 in A1' },
      { seq: 11, type: 'door.opened', at: new Date(T0 - 5000).toISOString(), summary: 'A1' },
    ];
    const { calls } = staff({ 'staff:recentEvents': () => ({ ok: true, value: events }) });
    fireEvent.click(screen.getByRole('tab', { name: 'Recent events' }));
    const list = await screen.findByTestId('recent-events');
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(2));
    expect(screen.getByRole('tab', { name: 'Recent events' }).getAttribute('aria-selected')).toBe(
      'true',
    );
    expect(calls).toContainEqual({ channel: 'staff:recentEvents', input: { limit: 40 } });
    const first = within(list).getAllByRole('listitem')[0]!;
    expect(first.textContent).toContain('#12');
    expect(first.textContent).toContain('parcel.deposited');
    expect(first.textContent).toContain('TRK1 in A1');
    expect(first.querySelector('time')?.getAttribute('dateTime')).toBe(events[0]!.at);
  });

  const diagnostics: Diagnostics = {
    lockBoard: { state: 'fault', lastFault: 'no answer from board 0', lastFaultAt: T0 - 60_000 },
    scanner: 'disconnected',
    simulated: true,
    doorsOpen: ['B1'],
    outOfService: [{ compartmentId: 'B2', reason: 'hinge broken' }],
    pendingOperations: [{ compartmentId: 'B1', kind: 'staff_open', startedAt: T0 }],
  };
  const fact = (term: string) =>
    within(screen.getByTestId('diagnostics')).getByText(term, { selector: 'dt' }).nextElementSibling
      ?.textContent;

  it('the system tab: cloud offline, events waiting since, hardware faults', async () => {
    staff(
      { 'staff:diagnostics': () => ({ ok: true, value: diagnostics }) },
      {
        lockerId: 'L-1',
        cloud: { online: false, since: T0 - 1 },
        eventsWaiting: 4,
        oldestWaitingAt: T0 - 3_600_000,
        codeLength: 6,
      },
    );
    fireEvent.click(screen.getByRole('tab', { name: 'System' }));
    await screen.findByText('Lock board');
    expect(fact('Cloud')).toBe('Offline');
    expect(fact('Events waiting to be sent')).toBe('4');
    expect(fact('Oldest waiting since')).toBe(
      new Intl.DateTimeFormat('en', { dateStyle: 'short', timeStyle: 'medium' }).format(
        T0 - 3_600_000,
      ),
    );
    expect(fact('Lock board')).toMatch(/^Fault · Last fault: no answer from board 0 \(/);
    expect(fact('Scanner')).toBe('Disconnected');
    expect(fact('Simulated hardware')).toBe('✓');
    expect(fact('Doors open')).toBe('B1');
    expect(fact('Out of service')).toBe('B2 (hinge broken)');
    expect(fact('Door operations under way')).toBe('B1 staff_open');
  });

  it('the system tab: cloud online, nothing waiting, healthy hardware', async () => {
    staff(
      {
        'staff:diagnostics': () => ({
          ok: true,
          value: {
            lockBoard: { state: 'ok', lastFault: null, lastFaultAt: null },
            scanner: 'connected',
            simulated: false,
            doorsOpen: [],
            outOfService: [],
            pendingOperations: [],
          },
        }),
      },
      {
        lockerId: 'L-1',
        cloud: { online: true, since: T0 },
        eventsWaiting: 0,
        oldestWaitingAt: null,
        codeLength: 6,
      },
    );
    fireEvent.click(screen.getByRole('tab', { name: 'System' }));
    await screen.findByText('Lock board');
    expect(fact('Cloud')).toBe('Online');
    expect(fact('Events waiting to be sent')).toBe('0');
    expect(fact('Oldest waiting since')).toBe('None');
    expect(fact('Lock board')).toBe('OK');
    expect(fact('Scanner')).toBe('Connected');
    expect(fact('Simulated hardware')).toBe('—');
    expect(fact('Doors open')).toBe('None');
    expect(fact('Door operations under way')).toBe('None');
  });
});
