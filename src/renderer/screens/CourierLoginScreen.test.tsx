// @vitest-environment jsdom
import { cleanup, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BadgeRejection } from '../../shared/ipc/types';
import { en } from '../i18n/en';
import { resetKioskStore, useKiosk } from '../store/kioskStore';
import { renderKiosk, scan, T0 } from '../testing/renderKiosk';

beforeEach(resetKioskStore);
afterEach(() => {
  cleanup();
  resetKioskStore();
});

const waiting = { screen: { name: 'courierLogin' as const, notice: null, busy: false } };

// Every rejection main can answer with: the compiler fails here when one is added.
const rejections = {
  not_a_badge: true,
  bad_signature: true,
  expired: true,
  not_for_this_locker: true,
  revoked: true,
  no_cloud_key: true,
} satisfies Record<BadgeRejection, true>;

describe('courier and staff login', () => {
  it('waits for a badge: a prompt, no message, a way back', () => {
    renderKiosk(waiting);
    expect(screen.getByRole('heading', { name: 'Courier and staff' })).toBeTruthy();
    expect(screen.getByText('Hold your badge under the scanner.')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('button', { name: 'Back' })).toBeTruthy();
  });

  it('a parcel scanned before the badge is answered, not ignored: log in first', async () => {
    const { calls } = renderKiosk(waiting);
    scan('TRK12345');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'This is a parcel label. Log in first: hold your badge under the scanner, then scan the parcel.',
    );
    expect(calls.filter((c) => c.channel === 'session:badge')).toEqual([]);
  });

  for (const reason of Object.keys(rejections) as BadgeRejection[])
    it(`a refused badge (${reason}) is told in a sentence, not a code`, async () => {
      const { calls } = renderKiosk(waiting, {
        'session:badge': () => ({ ok: false, error: { reason } }),
      });
      scan('LKB1.token');
      const alert = await screen.findByRole('alert');
      expect(alert.textContent).toBe(en.badge[reason]);
      expect(alert.textContent).toMatch(/^[A-Z].*\.$/);
      expect(alert.textContent).not.toMatch(/badge\.\w|_/);
      expect(calls).toContainEqual({ channel: 'session:badge', input: { token: 'LKB1.token' } });
      expect(useKiosk.getState().session).toBeNull();
    });

  it('a token the contract refuses reads as "not a badge"', async () => {
    renderKiosk(waiting, {
      'session:badge': () => ({ ok: false, error: { reason: 'invalid_input', problems: [] } }),
    });
    scan('LKB1.' + 'x');
    expect((await screen.findByRole('alert')).textContent).toBe(en.badge.not_a_badge);
  });

  it('a courier badge logs in: the deliveries screen and who is logged in', async () => {
    renderKiosk(waiting, {
      'session:badge': () => ({
        ok: true,
        value: { role: 'courier', subject: 'C-17', expiresAt: T0 + 600_000 },
      }),
    });
    scan('LKB1.courier');
    expect(await screen.findByRole('heading', { name: 'Deliveries' })).toBeTruthy();
    expect(screen.getByText('Logged in: C-17')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Log out' })).toBeTruthy();
  });

  it('a staff badge logs in to the service screen', async () => {
    renderKiosk(waiting, {
      'session:badge': () => ({
        ok: true,
        value: { role: 'staff', subject: 'S-2', expiresAt: T0 + 600_000 },
      }),
      'staff:compartments': () => ({ ok: true, value: [] }),
    });
    scan('LKB1.staff');
    expect(await screen.findByRole('heading', { name: 'Service' })).toBeTruthy();
    expect(screen.getByText('Logged in: S-2')).toBeTruthy();
  });

  it('a parcel barcode on the login screen is not sent as a badge', async () => {
    const { calls } = renderKiosk(waiting);
    scan('TRK123');
    await Promise.resolve();
    expect(calls.filter((c) => c.channel === 'session:badge')).toEqual([]);
    expect(screen.getByRole('heading', { name: 'Courier and staff' })).toBeTruthy();
  });
});
