import { describe, expect, it } from 'vitest';
import { ScannerSimulator } from '../sim/scannerSim';
import type { HidBackend, HidDeviceInfo } from './hidBackend';
import { runScanctl, type ScanctlIo } from './scanctlCommand';

const devices: HidDeviceInfo[] = [
  {
    vendorId: 0x0c2e,
    productId: 0x0b87,
    path: '/dev/hidraw4',
    usagePage: 0x8c,
    usage: 0x02,
    product: 'Voyager 1470g',
  },
  { vendorId: 0x046d, productId: 0xc31c, path: '/dev/hidraw0', usagePage: 0x01, usage: 0x06 },
  { vendorId: 0x1050, productId: 0x0407, path: '/dev/hidraw1', usagePage: 0xf1d0, usage: 0x01 },
];

function io(backend: HidBackend, stopped: Promise<void> = Promise.resolve()) {
  const out: string[] = [];
  const err: string[] = [];
  const streams: ScanctlIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    backend,
    stopped,
    now: () => new Date('2026-11-22T10:00:00Z'),
  };
  return { out, err, streams };
}

const listing = (list: HidDeviceInfo[]): HidBackend => ({
  devices: async () => list,
  open: async () => {
    throw new Error('not in this test');
  },
});

describe('scanctl', () => {
  it('lists devices as a table, marking HID-POS scanners and keyboards', async () => {
    const { out, streams } = io(listing(devices));
    expect(await runScanctl(['list'], streams)).toBe(0);
    expect(out[0]).toMatch(/^VID\s+PID\s+PAGE\s+USAGE\s+KIND\s+PRODUCT\s+PATH$/);
    expect(out[1]).toMatch(
      /^0x0c2e\s+0x0b87\s+0x008c\s+0x0002\s+hid-pos\s+Voyager 1470g\s+\/dev\/hidraw4$/,
    );
    expect(out[2]).toMatch(/\bkeyboard\b/);
    expect(out[3]).toMatch(/\bother\b/);
  });

  it('lists devices as JSON lines', async () => {
    const { out, streams } = io(listing(devices));
    expect(await runScanctl(['list', '--json'], streams)).toBe(0);
    expect(out.map((line) => JSON.parse(line).kind)).toEqual(['hid-pos', 'keyboard', 'other']);
    expect(JSON.parse(out[0] ?? '')).toMatchObject({ vendorId: '0x0c2e', path: '/dev/hidraw4' });
  });

  it.each([
    [[], /no command/],
    [['scan'], /unknown command: scan/],
    [['list', '--colour'], /Unknown option '--colour'/],
    [['watch', '--vid', '0x0c2e'], /--vid and --pid go together/],
    [['watch', '--vid', '0x0c2e', '--pid', 'zebra'], /productId: expected a USB id/],
    [['watch', '--vid', '1', '--pid', '2', '--mode', 'serial'], /mode/],
  ])('refuses %j with exit code 2', async (argv, message) => {
    const { err, streams } = io(listing(devices));
    expect(await runScanctl(argv, streams)).toBe(2);
    expect(err.join('\n')).toMatch(message);
  });

  it('exits 1 when no device matches', async () => {
    const { err, streams } = io(listing(devices));
    expect(await runScanctl(['watch', '--vid', '0x05e0', '--pid', '0x1200'], streams)).toBe(1);
    expect(err[0]).toMatch(/no device matches 0x05e0:0x1200/);
    const none = io(listing(devices.slice(1)));
    expect(await runScanctl(['watch'], none.streams)).toBe(1);
    expect(none.err[0]).toMatch(/no HID-POS scanner/);
  });

  it('watches a scanner and prints each scan as a JSON line', async () => {
    const sim = new ScannerSimulator();
    let stop = () => {};
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const { out, err, streams } = io(sim.backend(), stopped);
    const exit = runScanctl(['watch'], streams);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(err).toContain('scanner connected');
    sim.scan('PU-4821-7731');
    sim.scan('4006381333931', 'ean-13');
    stop();
    expect(await exit).toBe(0);
    expect(out.map((line) => JSON.parse(line))).toEqual([
      {
        at: '2026-11-22T10:00:00.000Z',
        text: 'PU-4821-7731',
        symbology: 'qr-code',
        source: 'hid-pos',
        aimId: ']Q1',
      },
      {
        at: '2026-11-22T10:00:00.000Z',
        text: '4006381333931',
        symbology: 'ean-13',
        source: 'hid-pos',
        aimId: ']E0',
      },
    ]);
  });
});
