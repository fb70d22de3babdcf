/** The scanner contract the kiosk codes against, whatever sits behind it (HID-POS, keyboard, simulator). */

/** Where a scan came from: the report format the driver decoded, or the development simulator. */
export type ScanSource = 'hid-pos' | 'keyboard' | 'simulator';

/** One barcode read, decoded to text. */
export interface Scan {
  text: string;
  /** A symbology name from `aim.ts` (`qr-code`, `code-128`, `ean-13`, …) or `unknown`. */
  symbology: string;
  source: ScanSource;
  /** The raw AIM symbology identifier (`]Q1`) when the scanner sent one. */
  aimId?: string;
}

export type ScannerStatus = 'connected' | 'disconnected';

export interface BarcodeScanner {
  /** Returns the unsubscribe function. */
  onScan(listener: (scan: Scan) => void): () => void;
  /** Called at once with the current status, then on every change. Returns the unsubscribe function. */
  onStatus(listener: (status: ScannerStatus) => void): () => void;
  close(): Promise<void>;
}

/** A barcode completed by a report decoder, before the driver stamps its source. */
export interface DecodedBarcode {
  text: string;
  symbology: string;
  aimId?: string;
}

export type DropReason =
  | 'short-report'
  | 'wrong-report-id'
  | 'bad-length'
  | 'rollover'
  | 'symbology-changed'
  | 'too-long'
  | 'empty';

/** A report (or a half-assembled barcode) the decoder threw away, with why. */
export interface DroppedReport {
  reason: DropReason;
  detail: string;
}

/** What feeding one report produced; a report can finish a barcode, drop one, or both. */
export type DecodeEvent =
  { kind: 'barcode'; barcode: DecodedBarcode } | { kind: 'dropped'; dropped: DroppedReport };

/** An incremental decoder: fed raw input reports in arrival order, never throws. */
export interface ReportDecoder {
  feed(report: Uint8Array): DecodeEvent[];
  /** Forgets a half-assembled barcode (the device went away mid-scan). */
  reset(): void;
}
