/**
 * The two things the scanner driver needs from a HID stack: list devices and open one. The
 * default backend is node-hid; tests and the simulator inject their own.
 */

/** What node-hid's `devices()` says about one HID interface. */
export interface HidDeviceInfo {
  vendorId: number;
  productId: number;
  path?: string | undefined;
  product?: string | undefined;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
  interface?: number | undefined;
  usagePage?: number | undefined;
  usage?: number | undefined;
}

/** The part of a node-hid device (HID or HIDAsync) the driver uses. */
export interface ScannerDevice {
  on(event: 'data', listener: (report: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(event?: 'data' | 'error'): unknown;
  close(): void | Promise<void>;
}

export interface HidBackend {
  devices(): Promise<HidDeviceInfo[]>;
  open(path: string): Promise<ScannerDevice>;
}

/** node-hid, loaded on first use so code that never touches real hardware never loads it. */
export function nodeHidBackend(): HidBackend {
  const load = () => import('node-hid');
  return {
    devices: async () => (await load()).devicesAsync(),
    open: async (path) => (await load()).HIDAsync.open(path),
  };
}

export const usagePageBarcodeScanner = 0x8c;
export const usagePageGenericDesktop = 0x01;
export const usageKeyboard = 0x06;

export const isHidPosInterface = (info: HidDeviceInfo): boolean =>
  info.usagePage === usagePageBarcodeScanner;

export const isKeyboardInterface = (info: HidDeviceInfo): boolean =>
  info.usagePage === usagePageGenericDesktop && info.usage === usageKeyboard;
