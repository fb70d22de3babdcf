// @vitest-environment jsdom
import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KioskStatus } from '../../shared/ipc/types';
import { resetKioskStore, useKiosk } from '../store/kioskStore';
import { push, renderKiosk, T0 } from '../testing/renderKiosk';

beforeEach(resetKioskStore);
afterEach(() => {
  cleanup();
  resetKioskStore();
});

const status = (more: Partial<KioskStatus> = {}): KioskStatus => ({
  lockerId: 'L-1',
  cloud: { online: true, since: T0 },
  eventsWaiting: 0,
  oldestWaitingAt: null,
  codeLength: 6,
  ...more,
});
const link = () => screen.getByTestId('link-status');
const waiting = () => screen.getByTestId('events-waiting').textContent;

const staffSession = { session: { role: 'staff' as const, subject: 'S-9', expiresAt: T0 + 1 } };
const bar = () => screen.getByTestId('status-bar');

describe('the status bar', () => {
  it('for staff: the cloud link online, then offline when main says so', () => {
    renderKiosk({ ...staffSession, status: status() });
    expect(link().textContent).toBe('Online');
    expect(link().getAttribute('aria-label')).toBe('Cloud connection: Online');
    expect(link().className).toContain('pill-online');
    push('status:changed', status({ cloud: { online: false, since: T0 + 1 } }));
    expect(link().textContent).toBe('Offline');
    expect(link().getAttribute('aria-label')).toBe('Cloud connection: Offline');
    expect(link().className).toContain('pill-offline');
  });

  it('for staff: says offline before main has reported anything', () => {
    renderKiosk({ ...staffSession, status: null });
    expect(link().textContent).toBe('Offline');
    expect(waiting()).toBe('All events sent');
  });

  it('for staff: counts the events waiting, one and many, and all sent', () => {
    renderKiosk({ ...staffSession, status: status() });
    expect(waiting()).toBe('All events sent');
    push('status:changed', status({ eventsWaiting: 1, oldestWaitingAt: T0 - 1000 }));
    expect(waiting()).toBe('1 event waiting');
    push('status:changed', status({ eventsWaiting: 27, oldestWaitingAt: T0 - 60_000 }));
    expect(waiting()).toBe('27 events waiting');
  });

  it('for customers: no link or outbox jargon, at most that the locker works offline', () => {
    renderKiosk({ status: status({ eventsWaiting: 5 }) });
    expect(screen.queryByTestId('link-status')).toBeNull();
    expect(screen.queryByTestId('events-waiting')).toBeNull();
    push('status:changed', status({ cloud: { online: false, since: T0 }, eventsWaiting: 5 }));
    expect(link().textContent).toBe('Works offline');
    expect(bar().textContent).not.toMatch(/event|Offline/);
    // The machines that watch the kiosk still read the whole state.
    expect(bar().dataset).toMatchObject({ online: 'false', eventsWaiting: '5' });
  });

  it('shows the time of the store clock, and moves with it', () => {
    renderKiosk();
    const fmt = (t: number) =>
      new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit' }).format(t);
    const time = () => document.querySelector('time.status-time')!;
    expect(time().textContent).toBe(fmt(T0));
    expect(time().getAttribute('dateTime')).toBe(new Date(T0).toISOString());
    act(() => useKiosk.getState().tick(T0 + 61 * 60_000));
    expect(time().textContent).toBe(fmt(T0 + 61 * 60_000));
    expect(time().textContent).not.toBe(fmt(T0));
  });

  it('names who is logged in, and only then', () => {
    renderKiosk();
    expect(screen.queryByText(/Logged in/)).toBeNull();
    act(() => useKiosk.setState({ session: { role: 'staff', subject: 'S-9', expiresAt: T0 } }));
    expect(screen.getByText('Logged in: S-9')).toBeTruthy();
  });
});
