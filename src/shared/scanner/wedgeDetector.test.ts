import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WedgeDetector, type WedgeKey, type WedgeVerdict } from './wedgeDetector';

/** Keys `text` then Enter, starting at `start`, `gap` ms apart. */
function keys(text: string, start: number, gap: number, end = 'Enter'): WedgeKey[] {
  return [
    ...[...text].map((key, i) => ({ key, at: start + i * gap })),
    { key: end, at: start + text.length * gap },
  ];
}

/** Feeds keys and returns what reached the field and what was scanned. */
function run(detector: WedgeDetector, events: WedgeKey[]) {
  const typed: string[] = [];
  const scanned: string[] = [];
  const verdicts: WedgeVerdict[] = [];
  for (const event of events) {
    const verdict = detector.push(event);
    verdicts.push(verdict);
    typed.push(...verdict.released.map((k) => k.key));
    if (!verdict.held && !verdict.scan) typed.push(event.key);
    if (verdict.scan) scanned.push(verdict.scan.text);
  }
  return { typed, scanned, verdicts };
}

describe('keyboard-wedge detector', () => {
  it('takes a fast burst ending in Enter as a scan and consumes every keystroke', () => {
    const detector = new WedgeDetector();
    const burst = keys('PU-4821', 1000, 8);
    const { typed, scanned, verdicts } = run(detector, burst);
    expect(scanned).toEqual(['PU-4821']);
    expect(typed).toEqual([]);
    expect(verdicts.at(-1)?.scan?.consumed).toEqual(burst);
  });

  it('lets a person typing reach the field, with Enter', () => {
    const detector = new WedgeDetector();
    const { typed, scanned } = run(detector, keys('482177', 0, 140));
    expect(scanned).toEqual([]);
    expect(typed).toEqual(['4', '8', '2', '1', '7', '7', 'Enter']);
  });

  it('treats a burst shorter than the minimum length as typing', () => {
    const { typed, scanned } = run(new WedgeDetector(), keys('ok', 0, 5));
    expect(scanned).toEqual([]);
    expect(typed).toEqual(['o', 'k', 'Enter']);
  });

  it('does not scan when Enter comes after a pause', () => {
    const events = [...keys('ABCDE', 0, 5).slice(0, 5), { key: 'Enter', at: 200 }];
    const { typed, scanned } = run(new WedgeDetector(), events);
    expect(scanned).toEqual([]);
    expect(typed.join('')).toBe('ABCDEEnter');
  });

  it('separates a person typing from a scan that follows: only the burst is the scan', () => {
    const human = [
      { key: 'h', at: 0 },
      { key: 'i', at: 180 },
    ];
    const { typed, scanned } = run(new WedgeDetector(), [...human, ...keys('QR-99', 500, 6)]);
    expect(scanned).toEqual(['QR-99']);
    expect(typed).toEqual(['h', 'i']);
  });

  it('gives held keys back on flush once the keyboard has been quiet longer than the gap', () => {
    const detector = new WedgeDetector();
    expect(detector.push({ key: 'a', at: 0 })).toEqual({ held: true, released: [] });
    expect(detector.flush(20)).toEqual([]);
    expect(detector.flush(36)).toEqual([{ key: 'a', at: 0 }]);
    expect(detector.holding).toBe(0);
  });

  it('lets modifier keys through without breaking a burst', () => {
    const events: WedgeKey[] = [
      { key: 'Shift', at: 0 },
      { key: 'A', at: 1 },
      { key: 'b', at: 10 },
      { key: 'Shift', at: 15 },
      { key: 'C', at: 18 },
      { key: 'd', at: 30 },
      { key: 'Enter', at: 40 },
    ];
    const { typed, scanned } = run(new WedgeDetector(), events);
    expect(scanned).toEqual(['AbCd']);
    expect(typed).toEqual(['Shift', 'Shift']);
  });

  it('releases held keys when a non-printable key (Backspace) interrupts', () => {
    const events = [
      { key: 'a', at: 0 },
      { key: 'b', at: 5 },
      { key: 'Backspace', at: 10 },
    ];
    const { typed, scanned } = run(new WedgeDetector(), events);
    expect(scanned).toEqual([]);
    expect(typed).toEqual(['a', 'b', 'Backspace']);
  });

  it('never takes auto-repeat of a held key for a scan', () => {
    const events = [...keys('aaaaaa', 0, 30)].map((k, i) => ({
      ...k,
      repeat: i > 0 && k.key === 'a',
    }));
    const { typed, scanned } = run(new WedgeDetector(), events);
    expect(scanned).toEqual([]);
    expect(typed.join('')).toBe('aaaaaaEnter');
  });

  it('does not scan a burst longer than the maximum duration', () => {
    const detector = new WedgeDetector({ maxDurationMs: 100 });
    const { typed, scanned } = run(detector, keys('0123456789ABCDEF', 0, 10));
    expect(scanned).toEqual([]);
    expect(typed.join('')).toBe('0123456789ABCDEFEnter');
  });

  it('follows its options: gap, minimum length and terminator', () => {
    const detector = new WedgeDetector({ maxGapMs: 60, minLength: 2, terminators: ['Tab'] });
    expect(run(detector, keys('ok', 0, 50, 'Tab')).scanned).toEqual(['ok']);
    expect(run(detector, keys('ok', 1000, 50, 'Enter')).scanned).toEqual([]);
  });

  it('detects exactly any burst faster than the threshold that ends in Enter', () => {
    const printable = fc.oneof(
      fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      fc.constantFrom('é', 'ß', '€', '李', '📦'),
    );
    fc.assert(
      fc.property(
        fc.array(printable, { minLength: 4, maxLength: 120 }),
        fc.array(fc.integer({ min: 0, max: 35 }), { minLength: 121, maxLength: 121 }),
        fc.array(printable, { maxLength: 5 }),
        fc.integer({ min: 36, max: 1000 }),
        (chars, gaps, humanKeys, pause) => {
          const detector = new WedgeDetector();
          let at = 0;
          const human = humanKeys.map((key) => ({ key, at: (at += pause) }));
          at += pause;
          const burst = chars.map((key, i) => ({ key, at: (at += i === 0 ? 0 : gaps[i]!) }));
          const enter = { key: 'Enter', at: at + gaps[chars.length]! };
          const { typed, scanned, verdicts } = run(detector, [...human, ...burst, enter]);
          expect(scanned).toEqual([chars.join('')]);
          expect(typed).toEqual(humanKeys);
          expect(verdicts.at(-1)?.scan?.consumed).toEqual([...burst, enter]);
        },
      ),
    );
  });

  it('never scans keys that are slower than the threshold', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 4, maxLength: 40 }),
        fc.integer({ min: 36, max: 500 }),
        (text, gap) => {
          const { scanned } = run(new WedgeDetector(), keys(text, 0, gap));
          expect(scanned).toEqual([]);
        },
      ),
    );
  });
});
