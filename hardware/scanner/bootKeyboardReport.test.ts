import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecodeEvent } from './types';
import {
  BootKeyboardDecoder,
  encodeKeyboardReports,
  untypeableCharacters,
} from './bootKeyboardReport';

const r = (...bytes: number[]): Uint8Array => Uint8Array.from(bytes);
const release = r(0, 0, 0, 0, 0, 0, 0, 0);
const feedAll = (decoder: BootKeyboardDecoder, reports: Uint8Array[]): DecodeEvent[] =>
  reports.flatMap((report) => decoder.feed(report));
const texts = (events: DecodeEvent[]) =>
  events.flatMap((e) => (e.kind === 'barcode' ? [e.barcode.text] : []));
const drops = (events: DecodeEvent[]) =>
  events.flatMap((e) => (e.kind === 'dropped' ? [e.dropped.reason] : []));

describe('boot-keyboard report decoding', () => {
  it('types letters, digits and shifted forms, and ends the barcode on Enter', () => {
    const events = feedAll(new BootKeyboardDecoder(), [
      r(0x02, 0, 0x04, 0, 0, 0, 0, 0), // left shift + a → A
      release,
      r(0x00, 0, 0x05, 0, 0, 0, 0, 0), // b
      release,
      r(0x00, 0, 0x1e, 0, 0, 0, 0, 0), // 1
      release,
      r(0x20, 0, 0x1e, 0, 0, 0, 0, 0), // right shift + 1 → !
      release,
      r(0x02, 0, 0x2d, 0, 0, 0, 0, 0), // shift + - → _
      release,
      r(0x00, 0, 0x38, 0, 0, 0, 0, 0), // /
      release,
      r(0x00, 0, 0x28, 0, 0, 0, 0, 0), // Enter
      release,
    ]);
    expect(events).toEqual([
      { kind: 'barcode', barcode: { text: 'Ab1!_/', symbology: 'unknown' } },
    ]);
  });

  it('skips release reports: they produce nothing', () => {
    const decoder = new BootKeyboardDecoder();
    expect(feedAll(decoder, [release, release, release])).toEqual([]);
  });

  it('does not double a key held across consecutive reports', () => {
    const events = feedAll(new BootKeyboardDecoder(), [
      r(0, 0, 0x04, 0, 0, 0, 0, 0),
      r(0, 0, 0x04, 0, 0, 0, 0, 0), // a still down
      r(0, 0, 0x04, 0x05, 0, 0, 0, 0), // a still down, b pressed
      r(0, 0, 0x05, 0, 0, 0, 0, 0),
      r(0, 0, 0x28, 0, 0, 0, 0, 0),
    ]);
    expect(texts(events)).toEqual(['ab']);
  });

  it('types a repeated character twice when the scanner releases in between', () => {
    const events = feedAll(new BootKeyboardDecoder(), [
      r(0, 0, 0x04, 0, 0, 0, 0, 0),
      release,
      r(0, 0, 0x04, 0, 0, 0, 0, 0),
      release,
      r(0, 0, 0x28, 0, 0, 0, 0, 0),
    ]);
    expect(texts(events)).toEqual(['aa']);
  });

  it('ends on keypad Enter and types keypad digits', () => {
    const events = feedAll(new BootKeyboardDecoder(), [
      r(0, 0, 0x59, 0, 0, 0, 0, 0), // keypad 1
      release,
      r(0, 0, 0x62, 0, 0, 0, 0, 0), // keypad 0
      release,
      r(0, 0, 0x58, 0, 0, 0, 0, 0), // keypad Enter
    ]);
    expect(texts(events)).toEqual(['10']);
  });

  it('ignores usages that type nothing (Caps Lock, F1, arrows)', () => {
    const events = feedAll(new BootKeyboardDecoder(), [
      r(0, 0, 0x39, 0, 0, 0, 0, 0),
      r(0, 0, 0x3a, 0, 0, 0, 0, 0),
      r(0, 0, 0x4f, 0, 0, 0, 0, 0),
      r(0, 0, 0x06, 0, 0, 0, 0, 0),
      r(0, 0, 0x28, 0, 0, 0, 0, 0),
    ]);
    expect(texts(events)).toEqual(['c']);
  });

  it('types Ctrl+] as the GS separator of GS1 labels', () => {
    const events = feedAll(new BootKeyboardDecoder(), [
      r(0, 0, 0x1f, 0, 0, 0, 0, 0), // 2
      r(0x01, 0, 0x30, 0, 0, 0, 0, 0), // Ctrl + ]
      r(0, 0, 0x20, 0, 0, 0, 0, 0), // 3
      r(0, 0, 0x28, 0, 0, 0, 0, 0),
    ]);
    expect(texts(events)).toEqual(['2\u001d3']);
  });

  it('ignores keys pressed with Alt or GUI held: those are shortcuts', () => {
    const events = feedAll(new BootKeyboardDecoder(), [
      r(0x04, 0, 0x2b, 0, 0, 0, 0, 0), // Alt + Tab
      r(0, 0, 0x07, 0, 0, 0, 0, 0), // d
      r(0, 0, 0x28, 0, 0, 0, 0, 0),
    ]);
    expect(texts(events)).toEqual(['d']);
  });

  it('takes the AIM id from the start of the barcode when the scanner is set to send it', () => {
    const decoder = new BootKeyboardDecoder({ aimPrefix: true });
    const events = feedAll(decoder, encodeKeyboardReports(']Q1PU-77'));
    expect(events).toEqual([
      { kind: 'barcode', barcode: { text: 'PU-77', symbology: 'qr-code', aimId: ']Q1' } },
    ]);
  });

  it('reads 9-byte reports when the interface numbers its reports', () => {
    const decoder = new BootKeyboardDecoder({ reportId: 1 });
    const events = feedAll(decoder, [
      r(1, 0, 0, 0x0b, 0, 0, 0, 0, 0), // h
      r(2, 0, 0, 0x0c, 0, 0, 0, 0, 0), // another report id: dropped
      r(1, 0, 0, 0x28, 0, 0, 0, 0, 0),
    ]);
    expect(texts(events)).toEqual(['h']);
    expect(drops(events)).toEqual(['wrong-report-id']);
  });
});

describe('boot-keyboard bad reports', () => {
  it('drops short and over-long reports', () => {
    const decoder = new BootKeyboardDecoder();
    expect(drops(decoder.feed(r(0, 0, 0x04)))).toEqual(['short-report']);
    expect(drops(decoder.feed(r(0, 0, 0x04, 0, 0, 0, 0, 0, 0)))).toEqual(['bad-length']);
  });

  it('drops a phantom-state (roll-over) report without typing', () => {
    const decoder = new BootKeyboardDecoder();
    const events = feedAll(decoder, [
      r(0, 0, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01),
      r(0, 0, 0x04, 0, 0, 0, 0, 0),
      r(0, 0, 0x28, 0, 0, 0, 0, 0),
    ]);
    expect(drops(events)).toEqual(['rollover']);
    expect(texts(events)).toEqual(['a']);
  });

  it('drops an Enter with nothing typed, and text that never ends', () => {
    const decoder = new BootKeyboardDecoder({ maxBarcodeLength: 3 });
    expect(drops(decoder.feed(r(0, 0, 0x28, 0, 0, 0, 0, 0)))).toEqual(['empty']);
    const events = feedAll(decoder, encodeKeyboardReports('abcd').slice(0, 8));
    expect(drops(events)).toEqual(['too-long']);
  });

  it('never throws, whatever bytes arrive', () => {
    const decoder = new BootKeyboardDecoder();
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 10 }), { maxLength: 30 }), (reports) => {
        feedAll(decoder, reports);
      }),
    );
  });
});

describe('boot-keyboard encoding', () => {
  it('presses each key with its shift state and releases it, then Enter', () => {
    expect(encodeKeyboardReports('a:').map((x) => [...x])).toEqual([
      [0x00, 0, 0x04, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0, 0],
      [0x02, 0, 0x33, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0, 0],
      [0x00, 0, 0x28, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0, 0],
    ]);
  });

  it('names the characters a US keyboard cannot type', () => {
    expect(untypeableCharacters('Grüße aus Köln')).toEqual(['ü', 'ß', 'ö']);
    expect(() => encodeKeyboardReports('ü')).toThrow(RangeError);
  });

  it('round-trips any printable ASCII text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', minLength: 1 }), (raw) => {
        const text = raw.replace(/[^\x20-\x7e]/g, 'x');
        const decoder = new BootKeyboardDecoder();
        expect(texts(feedAll(decoder, encodeKeyboardReports(text)))).toEqual([text]);
      }),
    );
  });
});
