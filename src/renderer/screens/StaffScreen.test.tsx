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
        keyboard: null,
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
/** A reason of one's own, typed on the on-screen keyboard (or a hardware one, in its field). */
const reason = (text: string) => {
  fireEvent.click(screen.getByRole('button', { name: /^Other/ }));
  const dialog = screen.getByRole('dialog', { name: 'Type a reason' });
  fireEvent.change(within(dialog).getByRole('textbox'), { target: { value: text } });
  const use = within(dialog).getByRole('button', { name: 'Use this reason' });
  if (!(use as HTMLButtonElement).disabled) fireEvent.click(use);
  else fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
};

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

  it('a preset reason is one touch; a typed one needs at least three characters', () => {
    staff();
    fireEvent.click(cell('A1'));
    const open = screen.getByRole('button', { name: 'Open door' });
    expect(open).toHaveProperty('disabled', true);
    fireEvent.click(screen.getByRole('button', { name: 'Door stuck' }));
    expect(screen.getByRole('button', { name: 'Door stuck' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    expect(open).toHaveProperty('disabled', false);
    reason('ab ');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(open).toHaveProperty('disabled', false); // still "Door stuck": the typed one was not used
    reason('abc');
    expect(screen.getByRole('button', { name: 'Other: abc' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    expect(screen.getByRole('button', { name: 'Take out of service' })).toHaveProperty(
      'disabled',
      false,
    );
  });

  it('types a reason on the on-screen keyboard, key by key', () => {
    staff();
    fireEvent.click(cell('A1'));
    fireEvent.click(screen.getByRole('button', { name: 'Other…' }));
    const dialog = screen.getByRole('dialog', { name: 'Type a reason' });
    for (const key of ['l', 'o', 'c', 'k', 'x'])
      fireEvent.click(within(dialog).getByRole('button', { name: key }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete last letter' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Space' }));
    fireEvent.click(within(dialog).getByRole('button', { name: '2' }));
    expect(within(dialog).getByRole('textbox')).toHaveProperty('value', 'lock 2');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Use this reason' }));
    expect(screen.getByRole('button', { name: 'Other: lock 2' })).toBeTruthy();
  });

  it('opens a door with the reason, keeps the reason for the next action on it, re-reads the grid', async () => {
    const { calls } = staff();
    fireEvent.click(cell('A3'));
    fireEvent.click(screen.getByRole('button', { name: 'Customer help' }));
    fireEvent.click(screen.getByRole('button', { name: 'Open door' }));
    expect(await screen.findByText('Door A3 opened.')).toBeTruthy();
    expect(calls).toContainEqual({
      channel: 'staff:openDoor',
      input: { compartmentId: 'A3', reason: 'customer_help' },
    });
    // The same compartment, the same reason: the next action needs no new one.
    fireEvent.click(screen.getByRole('button', { name: 'Take out of service' }));
    await waitFor(() =>
      expect(calls).toContainEqual({
        channel: 'staff:setService',
        input: { compartmentId: 'A3', inService: false, reason: 'customer_help' },
      }),
    );
    await waitFor(() =>
      expect(calls.filter((c) => c.channel === 'staff:compartments').length).toBeGreaterThan(0),
    );
    // Another compartment asks for its own reason.
    fireEvent.click(cell('A1'));
    expect(screen.getByRole('button', { name: 'Open door' })).toHaveProperty('disabled', true);
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
    expect(screen.getByRole('button', { name: 'Other: check' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
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

  it('the events tab says what happened in words: door, reason and who', async () => {
    const at = (ms: number) => new Date(T0 - ms).toISOString();
    const events: RecentEvent[] = [
      {
        seq: 12,
        type: 'staff.door_opened',
        at: at(0),
        compartmentId: 'A3',
        actor: 'staff:sam',
        reason: 'door_stuck',
        summary: '',
      },
      {
        seq: 11,
        type: 'door.jammed',
        at: at(5000),
        compartmentId: 'A1',
        actor: null,
        reason: 'reported_by_customer',
        summary: 'operation: pickup, operationId: 4',
      },
      {
        seq: 10,
        type: 'compartment.out_of_service',
        at: at(9000),
        compartmentId: 'B2',
        actor: 'staff:sam',
        reason: 'hinge loose',
        summary: '',
      },
    ];
    const { calls } = staff({ 'staff:recentEvents': () => ({ ok: true, value: events }) });
    fireEvent.click(screen.getByRole('tab', { name: 'Recent events' }));
    const list = await screen.findByTestId('recent-events');
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(3));
    expect(screen.getByRole('tab', { name: 'Recent events' }).getAttribute('aria-selected')).toBe(
      'true',
    );
    expect(calls).toContainEqual({ channel: 'staff:recentEvents', input: { limit: 40 } });
    const [first, second, third] = within(list).getAllByRole('listitem');
    expect(first!.querySelector('strong')!.textContent).toBe('Door opened by staff');
    expect(first!.textContent).toContain('A3 · Door stuck · staff:sam');
    expect(first!.querySelector('.summary')!.textContent).toBe('#12 · staff.door_opened');
    expect(second!.textContent).toContain('Door jammed');
    expect(second!.textContent).toContain('A1 · Reported by the customer');
    expect(second!.textContent).toContain('#11 · door.jammed · operation: pickup, operationId: 4');
    // A reason someone typed is shown as typed.
    expect(third!.textContent).toContain('B2 · hinge loose · staff:sam');
    expect(first!.querySelector('time')?.getAttribute('dateTime')).toBe(events[0]!.at);
  });

  const diagnostics: Diagnostics = {
    lockBoard: {
      state: 'fault',
      busConnected: true,
      silentBoards: [{ board: 1, failure: 'timeout', since: T0 - 60_000 }],
      lastFault: 'board 1: timeout',
      lastFaultAt: T0 - 60_000,
    },
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
    const since = new Intl.DateTimeFormat('en', { dateStyle: 'short', timeStyle: 'medium' }).format(
      T0 - 60_000,
    );
    // A silent board is a fault while the bus is up: named, with since when.
    expect(fact('Lock board')).toBe(
      `Fault · Board 1 not answering since ${since} · Last fault: board 1: timeout (${since})`,
    );
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
            lockBoard: {
              state: 'ok',
              busConnected: true,
              silentBoards: [],
              lastFault: null,
              lastFaultAt: null,
            },
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
