// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { attachWedgeInput } from './wedgeInput';

let detach = () => {};
afterEach(() => detach());

function keys(text: string, gapMs: number, clock: { t: number }) {
  for (const key of [...text, 'Enter']) {
    clock.t += gapMs;
    window.dispatchEvent(new KeyboardEvent('keydown', { key, cancelable: true }));
  }
}

describe('keyboard-wedge input', () => {
  it('catches a fast burst as a scan and keeps it out of a focused field', () => {
    const clock = { t: 0 };
    const scans: string[] = [];
    const input = document.createElement('input');
    document.body.append(input);
    input.focus();
    detach = attachWedgeInput(window, {
      onScan: (t) => scans.push(t),
      onKeys: () => {},
      stamp: () => clock.t,
      now: () => clock.t,
    });
    keys('LKB1.abc', 5, clock);
    expect(scans).toEqual(['LKB1.abc']);
    expect(input.value).toBe('');
    input.remove();
  });

  it('hands slow typing on to the screen, not as a scan', () => {
    const clock = { t: 0 };
    const scans: string[] = [];
    const typed: string[] = [];
    detach = attachWedgeInput(window, {
      onScan: (t) => scans.push(t),
      onKeys: (k) => typed.push(k),
      stamp: () => clock.t,
      now: () => clock.t,
    });
    keys('1234', 200, clock);
    expect(scans).toEqual([]);
    expect(typed.join('')).toBe('1234');
  });
});
