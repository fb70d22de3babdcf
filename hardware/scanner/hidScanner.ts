/**
 * The scanner driver: finds the configured USB scanner, decodes its reports into scans, and
 * reopens it after an unplug or a read error, polling the device list with capped backoff.
 */
import { BootKeyboardDecoder } from './bootKeyboardReport';
import { chooseScannerInterface, formatFromFirstReport, type ReportFormat } from './deviceChoice';
import type { HidBackend, ScannerDevice } from './hidBackend';
import { nodeHidBackend } from './hidBackend';
import { HidPosDecoder } from './hidPosReport';
import { ListenerSet } from './listenerSet';
import { err, ok, type Result } from './result';
import {
  formatUsbId,
  parseScannerConfig,
  type ScannerConfig,
  type ScannerConfigError,
} from './scannerConfig';
import type {
  BarcodeScanner,
  DroppedReport,
  ReportDecoder,
  Scan,
  ScannerStatus,
  ScanSource,
} from './types';

/** Things worth showing on the staff diagnostics screen; none of them stops the driver. */
export type ScannerDiagnostic =
  | { kind: 'dropped'; dropped: DroppedReport }
  | { kind: 'not-found'; detail: string }
  | { kind: 'open-failed'; detail: string }
  | { kind: 'device-error'; detail: string }
  | { kind: 'listener-failed'; detail: string };

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface HidScannerDeps {
  backend?: HidBackend;
  timers?: Timers;
  /** Reconnect polling: first delay after a loss, doubled per miss up to the cap. */
  backoff?: { initialMs: number; maxMs: number };
  /** Stamped on scans instead of the report format (the simulator says `simulator`). */
  source?: ScanSource;
}

export class HidScanner implements BarcodeScanner {
  private readonly backend: HidBackend;
  private readonly timers: Timers;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly scans = new ListenerSet<Scan>();
  private readonly statuses = new ListenerSet<ScannerStatus>();
  private readonly diagnostics = new ListenerSet<ScannerDiagnostic>();
  private device: ScannerDevice | undefined;
  private decoder: ReportDecoder | undefined;
  private format: ReportFormat | undefined;
  private currentStatus: ScannerStatus = 'disconnected';
  private retryHandle: unknown;
  private retryDelay: number;
  private closed = false;
  private attempting = false;

  constructor(
    private readonly config: ScannerConfig,
    private readonly deps: HidScannerDeps = {},
  ) {
    this.backend = deps.backend ?? nodeHidBackend();
    this.timers = deps.timers ?? systemTimers;
    this.backoff = deps.backoff ?? { initialMs: 250, maxMs: 5000 };
    this.retryDelay = this.backoff.initialMs;
  }

  /** Starts looking for the device; returns once the first attempt has finished. */
  start(): Promise<void> {
    return this.attempt();
  }

  get status(): ScannerStatus {
    return this.currentStatus;
  }

  /** The report format in use, once known. */
  get reportFormat(): ReportFormat | undefined {
    return this.format;
  }

  onScan(listener: (scan: Scan) => void): () => void {
    return this.scans.add(listener);
  }

  onStatus(listener: (status: ScannerStatus) => void): () => void {
    const off = this.statuses.add(listener);
    listener(this.currentStatus);
    return off;
  }

  onDiagnostic(listener: (diagnostic: ScannerDiagnostic) => void): () => void {
    return this.diagnostics.add(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timers.clearTimeout(this.retryHandle);
    const device = this.device;
    this.device = undefined;
    if (device) await closeQuietly(device);
    this.setStatus('disconnected');
    this.scans.clear();
    this.statuses.clear();
    this.diagnostics.clear();
  }

  private async attempt(): Promise<void> {
    this.retryHandle = undefined;
    if (this.closed || this.device || this.attempting) return;
    this.attempting = true;
    try {
      await this.findAndOpen();
    } finally {
      this.attempting = false;
    }
  }

  private async findAndOpen(): Promise<void> {
    let opened: ScannerDevice;
    let format: ReportFormat | undefined;
    try {
      const choice = chooseScannerInterface(await this.backend.devices(), this.config);
      if (!choice) {
        this.diagnose({ kind: 'not-found', detail: describeWanted(this.config) });
        return this.retryLater();
      }
      format = choice.format;
      opened = await this.backend.open(choice.path);
    } catch (error) {
      this.diagnose({ kind: 'open-failed', detail: messageOf(error) });
      return this.retryLater();
    }
    if (this.closed) return closeQuietly(opened);
    this.attach(opened, format);
  }

  private attach(device: ScannerDevice, format: ReportFormat | undefined): void {
    this.device = device;
    this.format = format;
    this.decoder = format && this.decoderFor(format);
    this.retryDelay = this.backoff.initialMs;
    device.on('data', (report) => this.receive(device, report));
    device.on('error', (error) => this.lose(device, error));
    this.setStatus('connected');
  }

  private receive(device: ScannerDevice, report: Uint8Array): void {
    if (device !== this.device) return;
    if (!this.decoder) {
      this.format = formatFromFirstReport(report);
      this.decoder = this.decoderFor(this.format);
    }
    const source = this.deps.source ?? this.format ?? 'hid-pos';
    for (const event of this.decoder.feed(report)) {
      if (event.kind === 'dropped') {
        this.diagnose({ kind: 'dropped', dropped: event.dropped });
        continue;
      }
      const { text, symbology, aimId } = event.barcode;
      const scan: Scan = aimId ? { text, symbology, source, aimId } : { text, symbology, source };
      this.report(this.scans.emit(scan));
    }
  }

  private lose(device: ScannerDevice, error: Error): void {
    if (device !== this.device) return;
    this.device = undefined;
    this.decoder = undefined;
    void closeQuietly(device);
    this.diagnose({ kind: 'device-error', detail: messageOf(error) });
    this.setStatus('disconnected');
    this.retryLater();
  }

  private retryLater(): void {
    if (this.closed) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(delay * 2, this.backoff.maxMs);
    this.retryHandle = this.timers.setTimeout(() => void this.attempt(), delay);
  }

  private decoderFor(format: ReportFormat): ReportDecoder {
    return format === 'hid-pos'
      ? new HidPosDecoder()
      : new BootKeyboardDecoder({ aimPrefix: this.config.aimPrefix ?? false });
  }

  private setStatus(status: ScannerStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.report(this.statuses.emit(status));
  }

  private diagnose(diagnostic: ScannerDiagnostic): void {
    this.diagnostics.emit(diagnostic);
  }

  private report(failures: unknown[]): void {
    for (const failure of failures) {
      this.diagnose({ kind: 'listener-failed', detail: messageOf(failure) });
    }
  }
}

/** Validates the config, then starts a driver that keeps looking for the device until closed. */
export function openHidScanner(
  config: unknown,
  deps: HidScannerDeps = {},
): Result<HidScanner, ScannerConfigError> {
  const parsed = parseScannerConfig(config);
  if (!parsed.ok) return err(parsed.error);
  const scanner = new HidScanner(parsed.value, deps);
  void scanner.start();
  return ok(scanner);
}

/** Stops reads and releases the handle; a device that is already gone may refuse, which is fine. */
async function closeQuietly(device: ScannerDevice): Promise<void> {
  device.removeAllListeners('data');
  device.removeAllListeners('error');
  // node-hid may still report the failed read; an 'error' with no listener would crash the process.
  device.on('error', () => undefined);
  try {
    await device.close();
  } catch {
    // The device is unplugged or already closed: nothing left to release.
  }
}

function describeWanted(config: ScannerConfig): string {
  const path = config.path ? ` at ${config.path}` : '';
  const device = `${formatUsbId(config.vendorId)}:${formatUsbId(config.productId)}`;
  return `no ${config.mode} interface for ${device}${path}`;
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
