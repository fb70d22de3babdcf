/**
 * HID-POS barcode reports (usage page 0x8C): decode the input reports a scanner sends and
 * encode the same bytes for the simulator.
 *
 * Layout implemented (Honeywell / Access-IS "HID POS" input report, 64 bytes is the common size;
 * the report id is byte 0 because hidapi keeps it for devices with numbered reports):
 *
 *   byte 0         report id 0x02 (scanned data report)
 *   byte 1         number of data bytes in this report (0 .. size-8, i.e. 0..56 for 64)
 *   bytes 2-4      AIM symbology identifier, e.g. `]Q1`
 *   bytes 5..      data, zero-padded up to byte size-4
 *   byte size-3    vendor symbology id (Honeywell code id), ignored here
 *   byte size-2    reserved
 *   byte size-1    bit 0 = 1: more reports follow for this barcode; 0: last report
 *
 * The layout is read relative to each report's own length, so 32- or 128-byte variants decode too.
 */
import { symbologyFromAim } from './aim';
import type { DecodeEvent, DropReason, ReportDecoder } from './types';

export const hidPosReportId = 0x02;
export const hidPosReportSize = 64;
const headerBytes = 5;
const trailerBytes = 3;
const overheadBytes = headerBytes + trailerBytes;

/** Capacity of one report's data field for a given report size. */
export const hidPosDataCapacity = (reportSize: number): number => reportSize - overheadBytes;

/**
 * UTF-8 when the bytes are valid UTF-8, otherwise latin1 (every byte is a character). A leading
 * byte-order mark is the encoding's signature, which some QR generators put first, not part of
 * the code: it is dropped, as UTF-8 decoding does, so such a badge or label reads as printed.
 */
export function decodeBarcodeBytes(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    let text = '';
    for (const byte of bytes) text += String.fromCharCode(byte);
    return text;
  }
}

interface Pending {
  aimId: string;
  chunks: Uint8Array[];
  size: number;
}

export interface HidPosDecoderOptions {
  /** A barcode longer than this is dropped rather than assembled (QR tops out near 3 KB). */
  maxBarcodeBytes?: number;
}

export class HidPosDecoder implements ReportDecoder {
  private pending: Pending | undefined;
  private readonly maxBarcodeBytes: number;

  constructor(options: HidPosDecoderOptions = {}) {
    this.maxBarcodeBytes = options.maxBarcodeBytes ?? 16 * 1024;
  }

  feed(report: Uint8Array): DecodeEvent[] {
    if (report.length <= overheadBytes) {
      return [this.drop('short-report', `${report.length}-byte report`)];
    }
    // Other report ids (status, attributes) are not barcode data and do not break one in flight.
    if (report[0] !== hidPosReportId) {
      return [dropped('wrong-report-id', `report id ${report[0]}`)];
    }
    const length = report[1] ?? 0;
    const capacity = hidPosDataCapacity(report.length);
    if (length > capacity) {
      return [this.drop('bad-length', `length byte ${length} > capacity ${capacity}`)];
    }
    const aimId = String.fromCharCode(report[2] ?? 0, report[3] ?? 0, report[4] ?? 0);
    const more = ((report[report.length - 1] ?? 0) & 0x01) === 1;
    const events: DecodeEvent[] = [];
    if (this.pending && this.pending.aimId !== aimId) {
      events.push(this.drop('symbology-changed', `${this.pending.aimId} then ${aimId}`));
    }
    const pending = this.pending ?? { aimId, chunks: [], size: 0 };
    pending.chunks.push(report.slice(headerBytes, headerBytes + length));
    pending.size += length;
    this.pending = pending;
    if (pending.size > this.maxBarcodeBytes) {
      events.push(this.drop('too-long', `over ${this.maxBarcodeBytes} bytes`));
    } else if (!more) {
      events.push(this.finish(pending));
    }
    return events;
  }

  reset(): void {
    this.pending = undefined;
  }

  private finish(pending: Pending): DecodeEvent {
    this.pending = undefined;
    if (pending.size === 0) return dropped('empty', 'barcode with no data');
    const bytes = new Uint8Array(pending.size);
    let at = 0;
    for (const chunk of pending.chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    const text = decodeBarcodeBytes(bytes);
    // Found by the fuzz drill: a code of nothing but a byte-order mark is a code with no data.
    if (text === '') return dropped('empty', 'barcode with no data (only a byte-order mark)');
    const symbology = symbologyFromAim(pending.aimId);
    return { kind: 'barcode', barcode: { text, symbology, aimId: pending.aimId } };
  }

  /** Drops a report; a half-assembled barcode goes with it, since its bytes are now incomplete. */
  private drop(reason: DropReason, detail: string): DecodeEvent {
    const lost = this.pending ? ` (discarded ${this.pending.size} assembled bytes)` : '';
    this.pending = undefined;
    return dropped(reason, detail + lost);
  }
}

function dropped(reason: DropReason, detail: string): DecodeEvent {
  return { kind: 'dropped', dropped: { reason, detail } };
}

/** Splits a barcode into the input reports a HID-POS scanner sends for it. */
export function encodeHidPosReports(
  data: Uint8Array,
  aimId: string,
  reportSize = hidPosReportSize,
): Uint8Array[] {
  if (!/^\][\x21-\x7e]{2}$/.test(aimId)) throw new RangeError(`not an AIM identifier: ${aimId}`);
  const capacity = hidPosDataCapacity(reportSize);
  if (capacity < 1 || capacity > 255) throw new RangeError(`unusable report size ${reportSize}`);
  const reports: Uint8Array[] = [];
  let offset = 0;
  do {
    const chunk = data.subarray(offset, offset + capacity);
    offset += chunk.length;
    const report = new Uint8Array(reportSize);
    report[0] = hidPosReportId;
    report[1] = chunk.length;
    for (let i = 0; i < 3; i++) report[2 + i] = aimId.charCodeAt(i);
    report.set(chunk, headerBytes);
    report[reportSize - 1] = offset < data.length ? 1 : 0;
    reports.push(report);
  } while (offset < data.length);
  return reports;
}
