/** Which HID interface of the configured scanner to open, and which report format it speaks. */
import type { HidDeviceInfo } from './hidBackend';
import { isHidPosInterface, isKeyboardInterface } from './hidBackend';
import type { ScannerMode } from './scannerConfig';

export type ReportFormat = 'hid-pos' | 'keyboard';

export interface DeviceWanted {
  vendorId: number;
  productId: number;
  mode: ScannerMode;
  path?: string | undefined;
}

export interface ChosenInterface {
  info: HidDeviceInfo;
  path: string;
  /** Undefined when the backend does not report usage pages: decided from the first report. */
  format: ReportFormat | undefined;
}

// Some backends (libusb) report no usage page; such an interface may be either kind.
const unknownUsage = (info: HidDeviceInfo): boolean => info.usagePage === undefined;

export function chooseScannerInterface(
  devices: readonly HidDeviceInfo[],
  wanted: DeviceWanted,
): ChosenInterface | undefined {
  const candidates = devices.filter(
    (d): d is HidDeviceInfo & { path: string } =>
      d.vendorId === wanted.vendorId &&
      d.productId === wanted.productId &&
      typeof d.path === 'string' &&
      (wanted.path === undefined || d.path === wanted.path),
  );
  const first = (test: (d: HidDeviceInfo) => boolean) => candidates.find(test);
  const pick = (info: (HidDeviceInfo & { path: string }) | undefined, format?: ReportFormat) =>
    info ? { info, path: info.path, format } : undefined;

  switch (wanted.mode) {
    case 'hid-pos':
      return pick(first(isHidPosInterface) ?? first(unknownUsage), 'hid-pos');
    case 'keyboard':
      return pick(first(isKeyboardInterface) ?? first(unknownUsage), 'keyboard');
    case 'auto':
      return (
        pick(first(isHidPosInterface), 'hid-pos') ??
        pick(first(isKeyboardInterface), 'keyboard') ??
        pick(first(unknownUsage))
      );
  }
}

/** For an interface of unknown kind: boot-keyboard reports are exactly 8 bytes, HID-POS ones longer. */
export const formatFromFirstReport = (report: Uint8Array): ReportFormat =>
  report.length === 8 ? 'keyboard' : 'hid-pos';
