/**
 * A simulated barcode scanner: turns a scan into the HID report bytes a real scanner sends
 * (HID-POS, split over several reports when long, or boot-keyboard key presses) and emits them on
 * a device object that the real HidScanner driver opens, so every simulated scan goes through the
 * real parser. It can also be unplugged and plugged back to exercise reconnection.
 */
import { EventEmitter } from 'node:events';
import { aimFromSymbology } from '../scanner/aim';
import { encodeKeyboardReports, untypeableCharacters } from '../scanner/bootKeyboardReport';
import type { HidBackend, HidDeviceInfo, ScannerDevice } from '../scanner/hidBackend';
import {
  usageKeyboard,
  usagePageBarcodeScanner,
  usagePageGenericDesktop,
} from '../scanner/hidBackend';
import { encodeHidPosReports, hidPosReportSize } from '../scanner/hidPosReport';
import { HidScanner, type HidScannerDeps } from '../scanner/hidScanner';
import { err, ok, type Result } from '../scanner/result';

export type SimulatedScannerMode = 'hid-pos' | 'keyboard';

export interface ScannerSimOptions {
  mode?: SimulatedScannerMode;
  /** HID-POS report size; 64 is what most scanners use. */
  reportSize?: number;
  /** pid.codes test ids by default, so a simulator is never mistaken for a real product. */
  vendorId?: number;
  productId?: number;
}

export type SimScanError =
  | { reason: 'not-connected' }
  | { reason: 'unknown-symbology'; symbology: string }
  | { reason: 'untypeable'; characters: string[] };

/** The open handle the driver reads from: node-hid's device surface, fed by the simulator. */
class SimulatedScannerDevice extends EventEmitter implements ScannerDevice {
  open = true;

  close(): void {
    this.open = false;
    this.removeAllListeners();
  }
}

export class ScannerSimulator {
  readonly mode: SimulatedScannerMode;
  readonly info: HidDeviceInfo & { path: string };
  private readonly reportSize: number;
  private plugged = true;
  private device: SimulatedScannerDevice | undefined;

  constructor(options: ScannerSimOptions = {}) {
    this.mode = options.mode ?? 'hid-pos';
    this.reportSize = options.reportSize ?? hidPosReportSize;
    const pos = this.mode === 'hid-pos';
    this.info = {
      vendorId: options.vendorId ?? 0x1209,
      productId: options.productId ?? 0x0001,
      path: `sim://scanner/${this.mode}`,
      product: `Simulated ${pos ? 'HID-POS' : 'keyboard'} scanner`,
      manufacturer: 'parcel-locker simulator',
      usagePage: pos ? usagePageBarcodeScanner : usagePageGenericDesktop,
      usage: pos ? 0x02 : usageKeyboard,
      interface: 0,
    };
  }

  /** The HID stack a driver uses to find and open this scanner. */
  backend(): HidBackend {
    return {
      devices: async () => (this.plugged ? [{ ...this.info }] : []),
      open: async (path) => {
        if (!this.plugged || path !== this.info.path) {
          throw new Error(`cannot open HID device with path ${path}`);
        }
        this.device = new SimulatedScannerDevice();
        return this.device;
      },
    };
  }

  /** Reads a barcode: emits its reports to the driver. `symbology` is a name or an AIM id. */
  scan(text: string, symbology = 'qr-code'): Result<{ reports: number }, SimScanError> {
    const device = this.device;
    if (!this.plugged || !device?.open) return err({ reason: 'not-connected' });
    const reports = this.reportsFor(text, symbology);
    if (!reports.ok) return reports;
    for (const report of reports.value) device.emit('data', Buffer.from(report));
    return ok({ reports: reports.value.length });
  }

  /** Emits one raw report, whatever its bytes: a damaged, foreign or hostile device's. */
  sendReport(report: Uint8Array): Result<{ reports: number }, SimScanError> {
    const device = this.device;
    if (!this.plugged || !device?.open) return err({ reason: 'not-connected' });
    device.emit('data', Buffer.from(report));
    return ok({ reports: 1 });
  }

  /** Pulls the cable: the open handle fails its read as node-hid's does, and the device vanishes. */
  unplug(): void {
    this.plugged = false;
    const device = this.device;
    this.device = undefined;
    if (device?.open) device.emit('error', new Error('could not read from HID device'));
  }

  plugIn(): void {
    this.plugged = true;
  }

  get isPluggedIn(): boolean {
    return this.plugged;
  }

  private reportsFor(text: string, symbology: string): Result<Uint8Array[], SimScanError> {
    if (this.mode === 'keyboard') {
      const characters = untypeableCharacters(text);
      if (characters.length > 0) return err({ reason: 'untypeable', characters });
      return ok(encodeKeyboardReports(text));
    }
    const aimId = aimFromSymbology(symbology);
    if (!aimId) return err({ reason: 'unknown-symbology', symbology });
    return ok(encodeHidPosReports(new TextEncoder().encode(text), aimId, this.reportSize));
  }
}

export interface SimulatedScanner {
  sim: ScannerSimulator;
  scanner: HidScanner;
}

/**
 * A simulator and the real driver reading it. The driver starts at once; it is connected after a
 * few microtasks (await `scanner.start()`'s promise or the 'connected' status before scanning).
 */
export function createSimulatedScanner(
  options: ScannerSimOptions = {},
  deps: Omit<HidScannerDeps, 'backend' | 'source'> = {},
): SimulatedScanner & { started: Promise<void> } {
  const sim = new ScannerSimulator(options);
  const scanner = new HidScanner(
    { vendorId: sim.info.vendorId, productId: sim.info.productId, mode: 'auto' },
    { ...deps, backend: sim.backend(), source: 'simulator' },
  );
  return { sim, scanner, started: scanner.start() };
}
