// @vitest-environment jsdom
/**
 * Touch targets: every button and field the screens render gets a min-height and min-width of
 * at least 64 px from styles.css. jsdom does no layout, so the rules that match each rendered
 * element are read from the sheet (later rules win, as ours are written general → specific).
 */
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetKioskStore, type KioskState } from './store/kioskStore';
import { px, readStyles, StyleSheet } from './testing/css';
import { customerDoor, renderKiosk, staffCompartment, T0 } from './testing/renderKiosk';

const TOUCH_PX = 64;
const sheet = new StyleSheet(readStyles());

beforeEach(resetKioskStore);
afterEach(() => {
  cleanup();
  resetKioskStore();
});

const courier = {
  name: 'courier' as const,
  deposit: null,
  sizeFor: null,
  deposits: [],
  notice: null,
  busy: false,
};
const staff = {
  name: 'staff' as const,
  tab: 'grid' as const,
  compartments: [staffCompartment('A1'), staffCompartment('B1', { state: 'out_of_service' })],
  selected: 'A1',
  reason: '',
  keyboard: null,
  events: [],
  diagnostics: null,
  notice: null,
  busy: false,
};
const door = customerDoor({ purpose: 'return', compartmentId: 'A1' });

const scenes: Record<string, Partial<KioskState>> = {
  home: {},
  'pickup keypad': { screen: { name: 'pickup', code: '12', notice: null, busy: false } },
  'badge login': { screen: { name: 'courierLogin', notice: null, busy: false } },
  'deposit door open': {
    screen: {
      ...courier,
      deposit: {
        operationId: 1,
        compartmentId: 'A1',
        barcode: 'T',
        size: 'S',
        phase: 'open',
        reason: null,
        since: T0,
      },
    },
  },
  'size choice': { screen: { ...courier, sizeFor: 'NEW1' } },
  collection: {
    session: { role: 'courier', subject: 'C', expiresAt: T0 + 1 },
    screen: {
      name: 'collection',
      items: [{ compartmentId: 'A1', kind: 'return', barcode: 'R', reference: 'R-0ABC12' }],
      current: null,
      collected: [],
      notice: null,
      busy: false,
    },
  },
  'return door open': { screen: { ...door, phase: 'open' } },
  'return done': { screen: { ...door, phase: 'closed' } },
  'staff grid with a selection': { screen: staff },
  'staff grid, out of service selected': { screen: { ...staff, selected: 'B1' } },
  'staff on-screen keyboard': { screen: { ...staff, keyboard: 'lock' } },
  'idle warning': {
    screen: { name: 'pickup', code: '', notice: null, busy: false },
    lastActivity: T0 - 50_000,
  },
};

function matches(el: Element, selector: string): boolean {
  try {
    return el.matches(selector);
  } catch {
    return false; // a pseudo-class jsdom does not know
  }
}

/** min-height and min-width as the sheet gives them to this element, in px. */
function minSize(el: Element) {
  let minHeight: number | undefined;
  let minWidth: number | undefined;
  for (const rule of sheet.rules)
    if (rule.selectors.some((s) => matches(el, s))) {
      const h = rule.declarations.get('min-height');
      const w = rule.declarations.get('min-width');
      if (h !== undefined) minHeight = px(sheet.resolve(h));
      if (w !== undefined) minWidth = px(sheet.resolve(w));
    }
  return { minHeight, minWidth };
}

const describeEl = (el: Element) =>
  `<${el.tagName.toLowerCase()} class="${el.getAttribute('class') ?? ''}"> ${
    el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 30)
  }`;

describe('touch targets', () => {
  it('reads sizes through custom properties', () => {
    expect(sheet.resolve('var(--touch)')).toBe('64px');
    expect(px('64px')).toBe(64);
    expect(px('3.2em')).toBe(64);
  });

  for (const [scene, state] of Object.entries(scenes))
    it(`${scene}: every button and field is at least ${TOUCH_PX}×${TOUCH_PX} px`, () => {
      renderKiosk(state);
      const targets = [...document.querySelectorAll('button, input, select, textarea, a[href]')];
      expect(targets.length).toBeGreaterThan(0);
      const small = targets
        .map((el) => ({ el, ...minSize(el) }))
        .filter(
          ({ minHeight, minWidth }) =>
            !(minHeight !== undefined && minHeight >= TOUCH_PX) ||
            !(minWidth !== undefined && minWidth >= TOUCH_PX),
        )
        .map(({ el, minHeight, minWidth }) => `${describeEl(el)}: ${minHeight}×${minWidth}`);
      expect(small).toEqual([]);
    });
});
