// @vitest-environment jsdom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetKioskStore } from '../store/kioskStore';
import { renderKiosk } from '../testing/renderKiosk';

beforeEach(resetKioskStore);
afterEach(() => {
  cleanup();
  resetKioskStore();
  document.documentElement.lang = '';
});

const pressed = (name: string | RegExp) =>
  screen.getByRole('button', { name }).getAttribute('aria-pressed');

describe('language and text size', () => {
  it('switches every text to German and to Polish, and back to English', () => {
    renderKiosk();
    expect(pressed('English')).toBe('true');

    fireEvent.click(screen.getByRole('button', { name: 'Deutsch' }));
    expect(screen.getByRole('heading', { name: 'Willkommen' })).toBeTruthy();
    expect(screen.getByRole('button', { name: /Paket abholen/ })).toBeTruthy();
    expect(screen.getByTestId('link-status').textContent).toBe('Funktioniert auch offline');
    expect(document.documentElement.lang).toBe('de');
    expect(pressed('Deutsch')).toBe('true');
    expect(pressed('English')).toBe('false');

    fireEvent.click(screen.getByRole('button', { name: 'Polski' }));
    expect(screen.getByRole('heading', { name: 'Witamy' })).toBeTruthy();
    expect(screen.getByRole('button', { name: /Odbierz paczkę/ })).toBeTruthy();
    expect(screen.getByText('Masz kod QR? Przyłóż go do skanera w dowolnej chwili.')).toBeTruthy();
    expect(document.documentElement.lang).toBe('pl');

    fireEvent.click(screen.getByRole('button', { name: 'English' }));
    expect(screen.getByRole('heading', { name: 'Welcome' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('en');
  });

  it('the chosen language carries on to the next screen', () => {
    renderKiosk();
    fireEvent.click(screen.getByRole('button', { name: 'Polski' }));
    fireEvent.click(screen.getByRole('button', { name: /Odbierz paczkę/ }));
    expect(screen.getByRole('button', { name: 'Wstecz' })).toBeTruthy();
    expect(screen.queryByText('Back')).toBeNull();
  });

  it('large text toggles on the whole kiosk and is shown as pressed', () => {
    renderKiosk();
    const kiosk = document.querySelector('.kiosk')!;
    expect(kiosk.classList.contains('large-text')).toBe(false);
    expect(pressed(/Large text/)).toBe('false');
    fireEvent.click(screen.getByRole('button', { name: /Large text/ }));
    expect(kiosk.classList.contains('large-text')).toBe(true);
    expect(pressed(/Large text/)).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: /Large text/ }));
    expect(kiosk.classList.contains('large-text')).toBe(false);
  });
});
