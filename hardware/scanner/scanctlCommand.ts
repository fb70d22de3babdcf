/**
 * `scanctl`: list the HID devices a scanner could be, and watch one print its scans as JSON lines.
 * The command logic lives here, with its I/O injected; hardware/cli/scanctl.ts only wires it up.
 */
import { parseArgs } from 'node:util';
import { chooseScannerInterface } from './deviceChoice';
import type { HidBackend, HidDeviceInfo } from './hidBackend';
import { isHidPosInterface, isKeyboardInterface } from './hidBackend';
import { HidScanner } from './hidScanner';
import { formatUsbId, parseScannerConfig, type ScannerConfig } from './scannerConfig';

export interface ScanctlIo {
  out(line: string): void;
  err(line: string): void;
  backend: HidBackend;
  /** Settles when the user stops watching (Ctrl+C). */
  stopped: Promise<void>;
  now?: () => Date;
}

export const usage = `usage: scanctl list [--json]
       scanctl watch [--vid 0x0c2e --pid 0x0b87] [--mode auto|hid-pos|keyboard] [--path P] [--aim-prefix]

  list   HID devices; likely scanners are marked hid-pos (usage page 0x8C) or keyboard
  watch  print each scan as a JSON line; without --vid/--pid, the first HID-POS scanner`;

const exitOk = 0;
const exitNoDevice = 1;
const exitUsage = 2;

export async function runScanctl(argv: string[], io: ScanctlIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'help' || command === '--help') {
    io.out(usage);
    return exitOk;
  }
  if (command !== 'list' && command !== 'watch') {
    return usageError(io, command ? `unknown command: ${command}` : 'no command given');
  }
  const parsed = parseOptions(rest);
  if (!parsed.ok) return usageError(io, parsed.message);
  return command === 'list' ? list(io, parsed.values.json === true) : watch(io, parsed.values);
}

type Options = {
  json?: boolean;
  vid?: string;
  pid?: string;
  mode?: string;
  path?: string;
  'aim-prefix'?: boolean;
};

function parseOptions(
  args: string[],
): { ok: true; values: Options } | { ok: false; message: string } {
  try {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        json: { type: 'boolean' },
        vid: { type: 'string' },
        pid: { type: 'string' },
        mode: { type: 'string' },
        path: { type: 'string' },
        'aim-prefix': { type: 'boolean' },
      },
    });
    return { ok: true, values };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

function usageError(io: ScanctlIo, message: string): number {
  io.err(`scanctl: ${message}`);
  io.err(usage);
  return exitUsage;
}

export type DeviceKind = 'hid-pos' | 'keyboard' | 'other';

export const kindOf = (info: HidDeviceInfo): DeviceKind =>
  isHidPosInterface(info) ? 'hid-pos' : isKeyboardInterface(info) ? 'keyboard' : 'other';

async function list(io: ScanctlIo, json: boolean): Promise<number> {
  const devices = await listDevices(io);
  if (!devices) return exitNoDevice;
  if (json) {
    for (const d of devices) io.out(JSON.stringify(describeDevice(d)));
    return exitOk;
  }
  if (devices.length === 0) {
    io.err('no HID devices visible (check the udev rule in docs/hardware-scanners.md)');
    return exitOk;
  }
  const rows = devices.map((d) => {
    const row = describeDevice(d);
    return [row.vendorId, row.productId, row.usagePage, row.usage, row.kind, row.product, row.path];
  });
  for (const line of table(['VID', 'PID', 'PAGE', 'USAGE', 'KIND', 'PRODUCT', 'PATH'], rows)) {
    io.out(line);
  }
  return exitOk;
}

function describeDevice(d: HidDeviceInfo) {
  const hex = (n: number | undefined) => (n === undefined ? '-' : formatUsbId(n));
  return {
    vendorId: formatUsbId(d.vendorId),
    productId: formatUsbId(d.productId),
    usagePage: hex(d.usagePage),
    usage: hex(d.usage),
    kind: kindOf(d),
    product: d.product ?? '',
    manufacturer: d.manufacturer ?? '',
    path: d.path ?? '',
  };
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

async function listDevices(io: ScanctlIo): Promise<HidDeviceInfo[] | undefined> {
  try {
    return await io.backend.devices();
  } catch (error) {
    io.err(`scanctl: cannot list HID devices: ${error instanceof Error ? error.message : error}`);
    return undefined;
  }
}

async function watch(io: ScanctlIo, options: Options): Promise<number> {
  const devices = await listDevices(io);
  if (!devices) return exitNoDevice;
  const config = watchConfig(options, devices);
  if ('usage' in config) return usageError(io, config.usage);
  if ('missing' in config) {
    io.err(`scanctl: ${config.missing}`);
    return exitNoDevice;
  }
  const scanner = new HidScanner(config, { backend: io.backend });
  const now = io.now ?? (() => new Date());
  scanner.onScan((scan) => io.out(JSON.stringify({ at: now().toISOString(), ...scan })));
  scanner.onStatus((status) => io.err(`scanner ${status}`));
  scanner.onDiagnostic((d) => {
    if (d.kind !== 'not-found')
      io.err(`scanner ${d.kind}: ${'detail' in d ? d.detail : d.dropped.detail}`);
  });
  await scanner.start();
  await io.stopped;
  await scanner.close();
  return exitOk;
}

function watchConfig(
  options: Options,
  devices: HidDeviceInfo[],
): ScannerConfig | { usage: string } | { missing: string } {
  if ((options.vid === undefined) !== (options.pid === undefined)) {
    return { usage: '--vid and --pid go together' };
  }
  const first = devices.find(isHidPosInterface);
  if (options.vid === undefined && !first) {
    return { missing: 'no HID-POS scanner (usage page 0x8C) found; pass --vid and --pid' };
  }
  const parsed = parseScannerConfig({
    vendorId: options.vid ?? first?.vendorId,
    productId: options.pid ?? first?.productId,
    mode: options.mode ?? (options.vid === undefined ? 'hid-pos' : 'auto'),
    ...(options.path === undefined ? {} : { path: options.path }),
    ...(options['aim-prefix'] ? { aimPrefix: true } : {}),
  });
  if (!parsed.ok) return { usage: parsed.error.issues.join('; ') };
  if (!chooseScannerInterface(devices, parsed.value)) {
    const { vendorId, productId, mode } = parsed.value;
    const device = `${formatUsbId(vendorId)}:${formatUsbId(productId)}`;
    return { missing: `no device matches ${device} (mode ${mode}); see scanctl list` };
  }
  return parsed.value;
}
