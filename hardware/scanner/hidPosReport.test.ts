import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecodeEvent } from './types';
import { HidPosDecoder, decodeBarcodeBytes, encodeHidPosReports } from './hidPosReport';

/** A 64-byte report: the leading bytes as written, zeros in between, the last three as written. */
function report64(head: number[], tail: [number, number, number]): Uint8Array {
  const bytes = new Uint8Array(64);
  bytes.set(head, 0);
  bytes.set(tail, 61);
  return bytes;
}
const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));
const barcodes = (events: DecodeEvent[]) =>
  events.flatMap((e) => (e.kind === 'barcode' ? [e.barcode] : []));
const drops = (events: DecodeEvent[]) =>
  events.flatMap((e) => (e.kind === 'dropped' ? [e.dropped.reason] : []));

describe('HID-POS report decoding', () => {
  it('decodes a QR code that fits one report', () => {
    // 02 | len 0C | ] Q 1 | "PU-4821-7731" | zero padding | vendor id 's', reserved | last
    const report = report64(
      [
        0x02, 0x0c, 0x5d, 0x51, 0x31, 0x50, 0x55, 0x2d, 0x34, 0x38, 0x32, 0x31, 0x2d, 0x37, 0x37,
        0x33, 0x31,
      ],
      [0x73, 0x00, 0x00],
    );
    const events = new HidPosDecoder().feed(report);
    expect(events).toEqual([
      { kind: 'barcode', barcode: { text: 'PU-4821-7731', symbology: 'qr-code', aimId: ']Q1' } },
    ]);
  });

  it('reassembles a barcode sent as two reports (continuation flag 1, then 0)', () => {
    // The 60-byte boarding pass from the Access-IS manual: 56 data bytes, then 4.
    const data = 'M1GATHERGOOD/MICHAEL YABCDEF LHRDURAK 3542 052Y003D23  ABCDE';
    expect(data.length).toBe(60);
    const first = report64(
      [0x02, 0x38, 0x5d, 0x51, 0x30, ...ascii(data.slice(0, 56))],
      [0x73, 0, 1],
    );
    const second = report64([0x02, 0x04, 0x5d, 0x51, 0x30, ...ascii(data.slice(56))], [0x73, 0, 0]);
    const decoder = new HidPosDecoder();
    expect(decoder.feed(first)).toEqual([]);
    expect(barcodes(decoder.feed(second))).toEqual([
      { text: data, symbology: 'qr-code', aimId: ']Q0' },
    ]);
  });

  it('joins a UTF-8 character split across the report boundary', () => {
    // 55 × 'a', then 'é' (C3 A9): C3 ends the first report, A9 starts the second.
    const first = report64(
      [0x02, 0x38, 0x5d, 0x64, 0x31, ...Array(55).fill(0x61), 0xc3],
      [0, 0, 1],
    );
    const second = report64([0x02, 0x01, 0x5d, 0x64, 0x31, 0xa9], [0, 0, 0]);
    const decoder = new HidPosDecoder();
    decoder.feed(first);
    expect(barcodes(decoder.feed(second))).toEqual([
      { text: 'a'.repeat(55) + 'é', symbology: 'data-matrix', aimId: ']d1' },
    ]);
  });

  it('falls back to latin1 when the bytes are not UTF-8', () => {
    const report = report64([0x02, 0x03, 0x5d, 0x43, 0x30, 0x4d, 0xfc, 0x6c], [0, 0, 0]);
    expect(barcodes(new HidPosDecoder().feed(report))).toEqual([
      { text: 'Mül', symbology: 'code-128', aimId: ']C0' },
    ]);
    expect(decodeBarcodeBytes(Uint8Array.from([0xe2, 0x82, 0xac]))).toBe('€');
  });

  it('keeps NUL bytes inside the data: the length byte, not the padding, ends the data', () => {
    const report = report64([0x02, 0x03, 0x5d, 0x43, 0x30, 0x41, 0x00, 0x42], [0, 0, 0]);
    expect(barcodes(new HidPosDecoder().feed(report))[0]?.text).toBe('A\u0000B');
  });

  it('takes a leading byte-order mark as the encoding signature; a code of only one has no data', () => {
    // Found by the fuzz drill: UTF-8 decoding drops the BOM, so a code holding only one was
    // reported as a scan with empty text.
    const bom = [0xef, 0xbb, 0xbf];
    const only = new HidPosDecoder().feed(report64([2, 3, ...ascii(']Q1'), ...bom], [0, 0, 0]));
    expect(barcodes(only)).toEqual([]);
    expect(drops(only)).toEqual(['empty']);
    const leading = barcodes(
      new HidPosDecoder().feed(
        report64([2, 5, ...ascii(']Q1'), ...bom, ...ascii('AB')], [0, 0, 0]),
      ),
    );
    expect(leading).toEqual([{ text: 'AB', symbology: 'qr-code', aimId: ']Q1' }]);
  });

  it('decodes reports of other sizes by their own length', () => {
    // A 32-byte report: data field of 24 bytes, flag in byte 31.
    const report = new Uint8Array(32);
    report.set([0x02, 0x02, 0x5d, 0x45, 0x30, 0x34, 0x32], 0);
    expect(barcodes(new HidPosDecoder().feed(report))).toEqual([
      { text: '42', symbology: 'ean-13', aimId: ']E0' },
    ]);
  });
});

describe('HID-POS bad reports', () => {
  it('drops a report too short to hold the layout', () => {
    expect(drops(new HidPosDecoder().feed(Uint8Array.from([0x02, 0x01, 0x5d, 0x51])))).toEqual([
      'short-report',
    ]);
  });

  it('drops other report ids without losing a barcode in flight', () => {
    const decoder = new HidPosDecoder();
    decoder.feed(report64([0x02, 0x38, 0x5d, 0x51, 0x31, ...Array(56).fill(0x41)], [0, 0, 1]));
    expect(drops(decoder.feed(report64([0x04, 0x01, 0x00], [0, 0, 0])))).toEqual([
      'wrong-report-id',
    ]);
    const events = decoder.feed(report64([0x02, 0x01, 0x5d, 0x51, 0x31, 0x42], [0, 0, 0]));
    expect(barcodes(events)[0]?.text).toBe('A'.repeat(56) + 'B');
  });

  it('drops a length byte larger than the data field, and the barcode it was part of', () => {
    const decoder = new HidPosDecoder();
    decoder.feed(report64([0x02, 0x38, 0x5d, 0x51, 0x31, ...Array(56).fill(0x41)], [0, 0, 1]));
    const events = decoder.feed(report64([0x02, 0x39, 0x5d, 0x51, 0x31], [0, 0, 0]));
    expect(drops(events)).toEqual(['bad-length']);
    const next = decoder.feed(report64([0x02, 0x01, 0x5d, 0x51, 0x31, 0x43], [0, 0, 0]));
    expect(barcodes(next)[0]?.text).toBe('C');
  });

  it('drops a half barcode when the next report carries another symbology', () => {
    const decoder = new HidPosDecoder();
    decoder.feed(report64([0x02, 0x02, 0x5d, 0x51, 0x31, 0x41, 0x41], [0, 0, 1]));
    const events = decoder.feed(report64([0x02, 0x02, 0x5d, 0x45, 0x30, 0x31, 0x32], [0, 0, 0]));
    expect(drops(events)).toEqual(['symbology-changed']);
    expect(barcodes(events)).toEqual([{ text: '12', symbology: 'ean-13', aimId: ']E0' }]);
  });

  it('drops a barcode that never ends instead of growing without bound', () => {
    const decoder = new HidPosDecoder({ maxBarcodeBytes: 100 });
    const more = report64([0x02, 0x38, 0x5d, 0x51, 0x31, ...Array(56).fill(0x41)], [0, 0, 1]);
    expect(decoder.feed(more)).toEqual([]);
    expect(drops(decoder.feed(more))).toEqual(['too-long']);
  });

  it('drops a barcode with no data', () => {
    expect(
      drops(new HidPosDecoder().feed(report64([0x02, 0x00, 0x5d, 0x51, 0x31], [0, 0, 0]))),
    ).toEqual(['empty']);
  });

  it('never throws, whatever bytes arrive', () => {
    const decoder = new HidPosDecoder();
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 20 }), (reports) => {
        for (const report of reports) decoder.feed(report);
      }),
    );
  });
});

describe('HID-POS report encoding', () => {
  it('lays a short barcode out as one report', () => {
    const reports = encodeHidPosReports(Uint8Array.from(ascii('AB')), ']C1');
    expect(reports).toHaveLength(1);
    const report = reports[0] ?? new Uint8Array();
    expect(report.length).toBe(64);
    expect([...report.subarray(0, 8)]).toEqual([0x02, 0x02, 0x5d, 0x43, 0x31, 0x41, 0x42, 0]);
    expect(report[63]).toBe(0);
  });

  it('splits 57 bytes into 56 + 1 with the continuation flag on the first report only', () => {
    const reports = encodeHidPosReports(new Uint8Array(57).fill(0x30), ']Q1');
    expect(reports.map((r) => [r[1], r[63]])).toEqual([
      [56, 1],
      [1, 0],
    ]);
  });

  it('round-trips any text through encode and decode, for any report size', () => {
    fc.assert(
      fc.property(
        // Any text but one that starts with U+FEFF, which reads as the encoding's signature.
        fc
          .string({ unit: 'binary', minLength: 1, maxLength: 400 })
          .filter((t) => !t.startsWith('\ufeff')),
        fc.constantFrom(']Q1', ']C0', ']d2', ']E0', ']z0'),
        fc.integer({ min: 9, max: 128 }),
        (text, aimId, size) => {
          const decoder = new HidPosDecoder();
          const bytes = new TextEncoder().encode(text);
          const events = encodeHidPosReports(bytes, aimId, size).flatMap((r) => decoder.feed(r));
          expect(events).toHaveLength(1);
          expect(barcodes(events)[0]?.text).toBe(text);
        },
      ),
    );
  });
});
