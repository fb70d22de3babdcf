/**
 * WCAG 2.2 AA contrast of the colours the screens actually use, read from styles.css: 4.5:1
 * for text, 3:1 for the boundaries and states of controls (1.4.3, 1.4.11). Each pair names
 * where it is seen; a pair is [selector, property] for the foreground and for the background.
 */
import { describe, expect, it } from 'vitest';
import { contrast, readStyles, StyleSheet } from './testing/css';

const sheet = new StyleSheet(readStyles());
type Ref = [selector: string, property: 'color' | 'background' | 'border-color' | 'outline'];
interface Pair {
  where: string;
  fg: Ref;
  bg: Ref;
}

const PAGE: Ref = [':root', 'background'];
const CARD: Ref = ['.card', 'background'];
const TEXT: Ref = [':root', 'color'];

/** Body text: 4.5:1. */
const text: Pair[] = [
  { where: 'headings and body text on the page', fg: TEXT, bg: PAGE },
  { where: 'text in cards (visit list, collection list, staff panel)', fg: TEXT, bg: CARD },
  { where: 'home subtitle, code entry instructions', fg: ['.lead', 'color'], bg: PAGE },
  { where: 'courier scan hint, size hint, staff "choose"', fg: ['.lead', 'color'], bg: CARD },
  { where: '"No parcels deposited yet", collection kinds', fg: ['.muted', 'color'], bg: CARD },
  { where: 'home "hold a QR code under the scanner"', fg: ['.scan-hint', 'color'], bg: PAGE },
  { where: 'home staff hint', fg: ['.staff-hint', 'color'], bg: PAGE },
  {
    where: 'status bar: locker name, events waiting, clock',
    fg: ['.status-bar', 'color'],
    bg: ['.status-bar', 'background'],
  },
  {
    where: 'status bar pill: Online',
    fg: ['.pill-online', 'color'],
    bg: ['.pill-online', 'background'],
  },
  {
    where: 'status bar pill: Offline',
    fg: ['.pill-offline', 'color'],
    bg: ['.pill-offline', 'background'],
  },
  {
    where: 'primary buttons (Pick up, Open the door, Done)',
    fg: ['.btn-primary', 'color'],
    bg: ['.btn-primary', 'background'],
  },
  {
    where: 'primary button while pressed',
    fg: ['.btn-primary', 'color'],
    bg: ['.btn-primary:active:not(:disabled)', 'background'],
  },
  {
    where: 'secondary buttons (Return, sizes, Doesn’t fit)',
    fg: ['.btn-secondary', 'color'],
    bg: ['.btn-secondary', 'background'],
  },
  {
    where: 'quiet buttons (Back, Log out, languages)',
    fg: ['.btn-quiet', 'color'],
    bg: ['.btn-quiet', 'background'],
  },
  {
    where: 'quiet button pressed (chosen language, large text on)',
    fg: [".btn-quiet[aria-pressed='true']", 'color'],
    bg: [".btn-quiet[aria-pressed='true']", 'background'],
  },
  {
    where: 'danger button (Take out of service)',
    fg: ['.btn-danger', 'color'],
    bg: ['.btn-danger', 'background'],
  },
  { where: 'ok notice', fg: ['.notice-ok', 'color'], bg: ['.notice-ok', 'background'] },
  { where: 'error notice', fg: ['.notice-error', 'color'], bg: ['.notice-error', 'background'] },
  {
    where: 'warning notice (throttle)',
    fg: ['.notice-warning', 'color'],
    bg: ['.notice-warning', 'background'],
  },
  {
    where: 'info notice (logged out)',
    fg: ['.notice-info', 'color'],
    bg: ['.notice-info', 'background'],
  },
  { where: 'keypad digits', fg: ['.key', 'color'], bg: ['.key', 'background'] },
  { where: 'keypad Clear and ⌫', fg: ['.key-action', 'color'], bg: ['.key', 'background'] },
  {
    where: 'keypad digit while pressed',
    fg: ['.key', 'color'],
    bg: ['.key:active:not(:disabled)', 'background'],
  },
  {
    where: 'keypad Clear while pressed',
    fg: ['.key-action', 'color'],
    bg: ['.key:active:not(:disabled)', 'background'],
  },
  { where: 'entered code digits', fg: TEXT, bg: ['.code-cell', 'background'] },
  {
    where: 'door badge with the door id',
    fg: ['.door-badge', 'color'],
    bg: ['.door-badge', 'background'],
  },
  ...(['ok', 'warning', 'error'] as const).map((tone) => ({
    where: `door badge when done (${tone})`,
    fg: ['.door-badge.done', 'color'] as Ref,
    bg: [`.door-badge.${tone}`, 'background'] as Ref,
  })),
  {
    where: 'door ids on the locker drawing',
    fg: ['.locker-door', 'color'],
    bg: ['.locker-door', 'background'],
  },
  {
    where: 'the lit door’s id',
    fg: ['.locker-door.lit', 'color'],
    bg: ['.locker-door.lit', 'background'],
  },
  { where: 'receipt labels', fg: ['.receipt dt', 'color'], bg: ['.receipt', 'background'] },
  { where: 'receipt values', fg: TEXT, bg: ['.receipt', 'background'] },
  { where: 'compartment chips in lists', fg: ['.chip', 'color'], bg: ['.chip', 'background'] },
  { where: '"Collected" tag', fg: ['.tag-ok', 'color'], bg: CARD },
  { where: '"Parcel … is in door …"', fg: ['.big-line.ok', 'color'], bg: CARD },
  { where: 'deposit line, a warning', fg: ['.big-line.warning', 'color'], bg: CARD },
  { where: 'deposit line, a fault', fg: ['.big-line.error', 'color'], bg: CARD },
  { where: 'staff tabs', fg: ['.tab', 'color'], bg: ['.tab', 'background'] },
  {
    where: 'staff tab selected',
    fg: [".tab[aria-selected='true']", 'color'],
    bg: [".tab[aria-selected='true']", 'background'],
  },
  // The dashboard's state colours: each state's own text on its own background.
  ...(['available', 'reserved', 'occupied', 'out_of_service'] as const).map((state): Pair => ({
    where: `staff grid cell, ${state}`,
    fg: [`.cell.state-${state}`, 'color'],
    bg: [`.cell.state-${state}`, 'background'],
  })),
  {
    where: 'staff grid cell, expired',
    fg: ['.cell.expired', 'color'],
    bg: ['.cell.expired', 'background'],
  },
  { where: 'staff reason hint', fg: ['.hint', 'color'], bg: CARD },
  {
    where: 'lock board fault',
    fg: ['.facts dd.fault', 'color'],
    bg: ['.system-panel', 'background'],
  },
  { where: 'reason field hint', fg: ['.field small', 'color'], bg: CARD },
  { where: 'staff facts labels (panel)', fg: ['.facts dt', 'color'], bg: CARD },
  {
    where: 'system tab labels',
    fg: ['.facts dt', 'color'],
    bg: ['.system-panel', 'background'],
  },
  {
    where: 'recent events summary',
    fg: ['.events .summary', 'color'],
    bg: ['.events', 'background'],
  },
  { where: 'idle warning text', fg: TEXT, bg: ['.dialog', 'background'] },
];

/** Disabled controls: WCAG exempts them (1.4.3); we still keep them readable at 3:1. */
const disabled: Pair[] = [
  {
    where: 'disabled button',
    fg: ['.btn:disabled', 'color'],
    bg: ['.btn:disabled', 'background'],
  },
  {
    where: 'disabled key (throttled)',
    fg: ['.key:disabled', 'color'],
    bg: ['.key:disabled', 'background'],
  },
];

/** Boundaries and states of controls against what is next to them: 3:1 (1.4.11). */
const boundaries: Pair[] = [
  {
    where: 'the reason text field’s border, in the staff panel',
    fg: ['.field input', 'border-color'],
    bg: CARD,
  },
  {
    where: 'quiet buttons’ border on the page (Back, languages)',
    fg: ['.btn-quiet', 'border-color'],
    bg: PAGE,
  },
  {
    where: 'quiet buttons’ border in a card (Cancel size)',
    fg: ['.btn-quiet', 'border-color'],
    bg: CARD,
  },
  {
    where: 'secondary buttons’ border on the page',
    fg: ['.btn-secondary', 'border-color'],
    bg: PAGE,
  },
  {
    where: 'secondary buttons’ border in a card',
    fg: ['.btn-secondary', 'border-color'],
    bg: CARD,
  },
  {
    where: 'danger button’s border in the staff panel',
    fg: ['.btn-danger', 'border-color'],
    bg: CARD,
  },
  { where: 'primary buttons’ fill on the page', fg: ['.btn-primary', 'background'], bg: PAGE },
  { where: 'primary buttons’ fill in a card', fg: ['.btn-primary', 'background'], bg: CARD },
  { where: 'keypad keys’ border', fg: ['.key', 'border-color'], bg: PAGE },
  { where: 'staff tabs’ border', fg: ['.tab', 'border-color'], bg: PAGE },
  {
    where: 'the selected staff cell',
    fg: ['.cell.selected', 'border-color'],
    bg: ['.staff-grid', 'background'],
  },
  {
    where: 'the lit door on the drawing',
    fg: ['.locker-door.lit', 'border-color'],
    bg: ['.locker', 'background'],
  },
  { where: 'focus ring on the page', fg: [':focus-visible', 'outline'], bg: PAGE },
  { where: 'focus ring in a card', fg: [':focus-visible', 'outline'], bg: CARD },
  {
    where: 'focus ring in the staff grid',
    fg: [':focus-visible', 'outline'],
    bg: ['.staff-grid', 'background'],
  },
  {
    where: 'focus ring in the idle dialog',
    fg: [':focus-visible', 'outline'],
    bg: ['.dialog', 'background'],
  },
];

function check(pairs: Pair[], min: number) {
  const failures: string[] = [];
  for (const { where, fg, bg } of pairs)
    for (const f of sheet.colours(...fg))
      for (const b of sheet.colours(...bg)) {
        const ratio = contrast(f, b);
        if (ratio < min) failures.push(`${where}: ${f} on ${b} is ${ratio.toFixed(2)}:1`);
      }
  expect(failures).toEqual([]);
}

describe('colour contrast (WCAG 2.2 AA)', () => {
  it('computes the ratio as WCAG does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(contrast('#ffffff', '#777777')).toBeCloseTo(4.48, 2);
  });

  it('reads the colours from styles.css', () => {
    expect(sheet.colours(':root', 'color')).toEqual([sheet.properties.get('--text')]);
    expect(sheet.colours('.cell.state-out_of_service', 'background')).toEqual([
      sheet.properties.get('--oos-bg'),
    ]);
  });

  it('text is at least 4.5:1 on its background', () => check(text, 4.5));
  it('disabled controls stay readable at 3:1', () => check(disabled, 3));
  it('control boundaries, states and the focus ring are at least 3:1', () => check(boundaries, 3));
});
