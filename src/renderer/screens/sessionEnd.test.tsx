// @vitest-environment jsdom
/**
 * The next person at the locker does not inherit the last one's settings (issue 11, point 4):
 * Done, Log out and an idle timeout put language and text size back; Back does not; an idle
 * return to the start says why, and only for a while.
 */
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOME_NOTICE_MS } from '../store/baseSlice';
import { IDLE_MS, resetKioskStore, useKiosk } from '../store/kioskStore';
import { customerDoor, renderKiosk, T0 } from '../testing/renderKiosk';

beforeEach(resetKioskStore);
afterEach(() => {
  cleanup();
  resetKioskStore();
  document.documentElement.lang = '';
});

const prefs = () => {
  const { language, largeText } = useKiosk.getState();
  return { language, largeText };
};
const kiosk = () => document.querySelector('.kiosk')!;

describe('the end of a session', () => {
  it('Done after a pickup puts the default language and text size back', async () => {
    renderKiosk({ language: 'de', largeText: true, screen: customerDoor({ phase: 'closed' }) });
    expect(kiosk().classList.contains('large-text')).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Fertig' }));
    expect(await screen.findByRole('heading', { name: 'Welcome' })).toBeTruthy();
    expect(prefs()).toEqual({ language: 'en', largeText: false });
    expect(kiosk().classList.contains('large-text')).toBe(false);
    expect(document.documentElement.lang).toBe('en');
    expect(screen.queryByRole('status', { name: /nothing happened/ })).toBeNull();
  });

  it("a courier's Log out puts them back too", async () => {
    renderKiosk({
      language: 'pl',
      largeText: true,
      session: { role: 'courier', subject: 'c', expiresAt: T0 + 600_000 },
      screen: {
        name: 'courier',
        deposit: null,
        sizeFor: null,
        deposits: [],
        notice: null,
        busy: false,
      },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Wyloguj' }));
    expect(await screen.findByRole('heading', { name: 'Welcome' })).toBeTruthy();
    expect(prefs()).toEqual({ language: 'en', largeText: false });
  });

  it('Back keeps them: the same person goes on', async () => {
    renderKiosk({
      language: 'de',
      largeText: true,
      screen: { name: 'pickup', code: '', notice: null, busy: false },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Zurück' }));
    expect(await screen.findByRole('heading', { name: 'Willkommen' })).toBeTruthy();
    expect(prefs()).toEqual({ language: 'de', largeText: true });
  });

  it('idle: back to the start in the default settings, saying why, and not for the next person', async () => {
    renderKiosk({
      language: 'de',
      largeText: true,
      screen: { name: 'pickup', code: '12', notice: null, busy: false },
    });
    act(() => useKiosk.getState().tick(T0 + IDLE_MS));
    expect(await screen.findByRole('heading', { name: 'Welcome' })).toBeTruthy();
    expect(prefs()).toEqual({ language: 'en', largeText: false });
    const notice = 'The screen went back to the start because nothing happened for a while.';
    expect(screen.getByText(notice)).toBeTruthy();
    act(() => useKiosk.getState().tick(T0 + IDLE_MS + HOME_NOTICE_MS));
    expect(screen.queryByText(notice)).toBeNull();
  });
});
