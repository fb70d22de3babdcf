import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { HidBackend, HidDeviceInfo } from './hidBackend';
import { HidScanner, openHidScanner, type ScannerDiagnostic, type Timers } from './hidScanner';
import type { Scan, ScannerStatus } from './types';

/** A device object with node-hid's surface: 'data' and 'error' events, close(). */
class DeviceObject extends EventEmitter {
  closed = false;
  constructor(readonly path: string) {
    super();
  }
  close(): void {
    this.closed = true;
  }
  /** A HID-POS report: 64 bytes, header as written, last byte the continuation flag. */
  report(head: number[], more = 0): void {
    const bytes = Buffer.alloc(64);
    bytes.set(head, 0);
    bytes[63] = more;
    this.emit('data', bytes);
  }
}

/** The HID stack the driver sees: a device list the test edits and an opener it can fail. */
class Bench implements HidBackend {
  list: HidDeviceInfo[] = [];
  opened: DeviceObject[] = [];
  failOpens = 0;
  async devices() {
    return this.list.map((d) => ({ ...d }));
  }
  async open(path: string) {
    if (this.failOpens > 0) {
      this.failOpens -= 1;
      throw new Error('cannot open device');
    }
    const device = new DeviceObject(path);
    this.opened.push(device);
    return device;
  }
  get last(): DeviceObject {
    const device = this.opened.at(-1);
    if (!device) throw new Error('nothing opened');
    return device;
  }
}

/** Timers the test fires by hand: no waiting, and the delays asked for are recorded. */
class HandTimers implements Timers {
  private pending = new Map<number, () => void>();
  private next = 1;
  delays: number[] = [];
  setTimeout(callback: () => void, ms: number) {
    this.delays.push(ms);
    const handle = this.next++;
    this.pending.set(handle, callback);
    return handle;
  }
  clearTimeout(handle: unknown) {
    this.pending.delete(handle as number);
  }
  get waiting(): number {
    return this.pending.size;
  }
  /** Fires every pending timer, then lets the driver's promises settle. */
  async fire(): Promise<void> {
    const callbacks = [...this.pending.values()];
    this.pending.clear();
    for (const callback of callbacks) callback();
    await settle();
  }
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const scannerInterfaces: HidDeviceInfo[] = [
  { vendorId: 0x0c2e, productId: 0x0b87, path: '/dev/hidraw3', usagePage: 0x01, usage: 0x06 },
  { vendorId: 0x0c2e, productId: 0x0b87, path: '/dev/hidraw4', usagePage: 0x8c, usage: 0x02 },
  { vendorId: 0x046d, productId: 0xc31c, path: '/dev/hidraw0', usagePage: 0x01, usage: 0x06 },
];
const config = { vendorId: 0x0c2e, productId: 0x0b87, mode: 'auto' as const };

function rig(list = scannerInterfaces) {
  const bench = new Bench();
  bench.list = [...list];
  const timers = new HandTimers();
  const scanner = new HidScanner(config, { backend: bench, timers });
  const scans: Scan[] = [];
  const statuses: ScannerStatus[] = [];
  const diagnostics: ScannerDiagnostic[] = [];
  scanner.onScan((scan) => scans.push(scan));
  scanner.onStatus((status) => statuses.push(status));
  scanner.onDiagnostic((diagnostic) => diagnostics.push(diagnostic));
  return { bench, timers, scanner, scans, statuses, diagnostics };
}

// "]Q1" + "PU-1"
const qrPu1 = [0x02, 0x04, 0x5d, 0x51, 0x31, 0x50, 0x55, 0x2d, 0x31];

describe('HidScanner', () => {
  it('opens the HID-POS interface of a scanner that also offers a keyboard, and emits scans', async () => {
    const { bench, scanner, scans, statuses } = rig();
    await scanner.start();
    expect(bench.last.path).toBe('/dev/hidraw4');
    expect(scanner.reportFormat).toBe('hid-pos');
    bench.last.report(qrPu1);
    expect(scans).toEqual([
      { text: 'PU-1', symbology: 'qr-code', source: 'hid-pos', aimId: ']Q1' },
    ]);
    expect(statuses).toEqual(['disconnected', 'connected']);
  });

  it('opens the keyboard interface in keyboard mode and decodes key reports', async () => {
    const bench = new Bench();
    bench.list = [...scannerInterfaces];
    const scanner = new HidScanner({ ...config, mode: 'keyboard' }, { backend: bench });
    const scans: Scan[] = [];
    scanner.onScan((scan) => scans.push(scan));
    await scanner.start();
    expect(bench.last.path).toBe('/dev/hidraw3');
    for (const usage of [0x1f, 0x00, 0x20, 0x00, 0x28]) {
      bench.last.emit('data', Buffer.from([0, 0, usage, 0, 0, 0, 0, 0]));
    }
    expect(scans).toEqual([{ text: '23', symbology: 'unknown', source: 'keyboard' }]);
    await scanner.close();
  });

  it('tells the format from the first report when the backend reports no usage page', async () => {
    const { bench, scanner, scans } = rig([{ vendorId: 0x0c2e, productId: 0x0b87, path: 'usb-1' }]);
    await scanner.start();
    expect(scanner.reportFormat).toBeUndefined();
    bench.last.emit('data', Buffer.from([0, 0, 0x1e, 0, 0, 0, 0, 0]));
    bench.last.emit('data', Buffer.from([0, 0, 0x28, 0, 0, 0, 0, 0]));
    expect(scanner.reportFormat).toBe('keyboard');
    expect(scans.map((s) => s.text)).toEqual(['1']);
  });

  it('after a read error, polls with capped backoff until the scanner is back, then reads again', async () => {
    const { bench, timers, scanner, scans, statuses, diagnostics } = rig();
    await scanner.start();
    const first = bench.last;

    bench.list = [];
    first.emit('error', new Error('could not read from HID device'));
    expect(first.closed).toBe(true);
    expect(statuses).toEqual(['disconnected', 'connected', 'disconnected']);
    for (let i = 0; i < 7; i++) await timers.fire();
    expect(timers.delays).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
    expect(diagnostics.filter((d) => d.kind === 'not-found')).toHaveLength(7);

    bench.list = [...scannerInterfaces];
    await timers.fire();
    expect(statuses.at(-1)).toBe('connected');
    expect(bench.opened).toHaveLength(2);
    expect(timers.waiting).toBe(0);

    first.report(qrPu1); // the stale handle is ignored
    bench.last.report(qrPu1);
    expect(scans).toHaveLength(1);
    expect(diagnostics.find((d) => d.kind === 'device-error')).toEqual({
      kind: 'device-error',
      detail: 'could not read from HID device',
    });
  });

  it('starts the backoff over after a successful reconnect', async () => {
    const { bench, timers, scanner } = rig();
    await scanner.start();
    bench.last.emit('error', new Error('gone'));
    await timers.fire(); // reopened at once: the device never left the list
    bench.last.emit('error', new Error('gone again'));
    expect(timers.delays).toEqual([250, 250]);
  });

  it('loses a barcode cut off by the disconnect instead of gluing it to the next one', async () => {
    const { bench, timers, scanner, scans } = rig();
    await scanner.start();
    bench.last.report([0x02, 0x38, 0x5d, 0x51, 0x31, ...Array(56).fill(0x41)], 1);
    bench.last.emit('error', new Error('unplugged'));
    await timers.fire();
    bench.last.report(qrPu1);
    expect(scans.map((s) => s.text)).toEqual(['PU-1']);
  });

  it('retries when opening fails, and reports why', async () => {
    const { bench, timers, scanner, statuses, diagnostics } = rig();
    bench.failOpens = 1;
    await scanner.start();
    expect(statuses).toEqual(['disconnected']);
    expect(diagnostics).toEqual([{ kind: 'open-failed', detail: 'cannot open device' }]);
    await timers.fire();
    expect(statuses).toEqual(['disconnected', 'connected']);
  });

  it('reports dropped reports without stopping', async () => {
    const { bench, scanner, scans, diagnostics } = rig();
    await scanner.start();
    bench.last.emit('data', Buffer.from([0x02, 0x01]));
    bench.last.report(qrPu1);
    expect(diagnostics.map((d) => d.kind)).toEqual(['dropped']);
    expect(scans).toHaveLength(1);
  });

  it('keeps reading when a scan listener throws', async () => {
    const { bench, scanner, scans, statuses, diagnostics } = rig();
    scanner.onScan(() => {
      throw new Error('listener bug');
    });
    await scanner.start();
    bench.last.report(qrPu1);
    bench.last.report(qrPu1);
    expect(scans).toHaveLength(2);
    expect(statuses.at(-1)).toBe('connected');
    expect(diagnostics.filter((d) => d.kind === 'listener-failed')).toHaveLength(2);
  });

  it('opens the device once when started twice', async () => {
    const { bench, scanner } = rig();
    await Promise.all([scanner.start(), scanner.start()]);
    expect(bench.opened).toHaveLength(1);
  });

  it('close() releases the device, stops polling and goes quiet', async () => {
    const { bench, timers, scanner, scans, statuses } = rig();
    await scanner.start();
    const device = bench.last;
    await scanner.close();
    expect(device.closed).toBe(true);
    expect(statuses.at(-1)).toBe('disconnected');
    device.report(qrPu1);
    expect(scans).toEqual([]);
    expect(timers.waiting).toBe(0);
  });

  it('close() while waiting for the scanner cancels the next poll', async () => {
    const { bench, timers, scanner } = rig([]);
    await scanner.start();
    expect(timers.waiting).toBe(1);
    await scanner.close();
    expect(timers.waiting).toBe(0);
    expect(bench.opened).toEqual([]);
  });
});

describe('openHidScanner', () => {
  it('accepts USB ids written in hex and defaults the mode to auto', async () => {
    const bench = new Bench();
    bench.list = [...scannerInterfaces];
    const opened = openHidScanner(
      { vendorId: '0x0c2e', productId: '0x0B87' },
      { backend: bench, timers: new HandTimers() },
    );
    if (!opened.ok) throw new Error(opened.error.issues.join());
    await settle();
    expect(opened.value.status).toBe('connected');
    expect(bench.last.path).toBe('/dev/hidraw4');
    await opened.value.close();
  });

  it('accepts the scanner section as the kiosk config writes it, with its own keys beside', async () => {
    const bench = new Bench();
    bench.list = [...scannerInterfaces];
    const section = { kind: 'hid', vendorId: 0x0c2e, productId: 0x0b87, mode: 'hid-pos' };
    const opened = openHidScanner(section, { backend: bench, timers: new HandTimers() });
    expect(opened.ok).toBe(true);
    if (opened.ok) await opened.value.close();
  });

  it('refuses a bad config with the reasons, opening nothing', () => {
    const bench = new Bench();
    const opened = openHidScanner(
      { vendorId: 0x1_0000, productId: 'zebra', mode: 'serial' },
      { backend: bench },
    );
    expect(opened.ok).toBe(false);
    if (opened.ok) return;
    expect(opened.error.reason).toBe('invalid-scanner-config');
    expect(opened.error.issues.map((issue) => issue.split(':')[0])).toEqual([
      'vendorId',
      'productId',
      'mode',
    ]);
    expect(bench.opened).toEqual([]);
  });
});
