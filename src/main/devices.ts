/**
 * The locker's physical devices, from the config: the real lock board on its serial bus and
 * the real HID scanner, or the simulators (a lock bus on a socat pty pair read by the same
 * serial driver, and a scanner emitting real HID-POS reports into the same HID driver).
 */
import type { Logger } from 'pino';
import { SerialLockBoard } from '../../hardware/lockboard/serialLockBoard';
import { openHidScanner } from '../../hardware/scanner/hidScanner';
import type { BarcodeScanner } from '../../hardware/scanner/types';
import { startControlServer, type ControlServer } from '../../hardware/sim/controlServer';
import { createSimulatedScanner, type ScannerSimulator } from '../../hardware/sim/scannerSim';
import { startSimulatedLockBus, type SimulatedLockBus } from '../../hardware/sim/simulatedLockBus';
import type { KioskConfig } from './config/kioskConfig';
import type { LockBoard } from './core/lockBoard';

export interface Devices {
  board: LockBoard;
  scanner: BarcodeScanner | null;
  /** Present when running on simulators. */
  simulation: {
    bus: SimulatedLockBus;
    scanner: ScannerSimulator | null;
    control: ControlServer;
  } | null;
  close(): Promise<void>;
}

// The driver is checked against KioskCore's port here, at compile time, since hardware/ cannot
// import it: a drift in either shape fails the type check.
const asPort = (board: SerialLockBoard): LockBoard => board;

export async function openDevices(
  config: KioskConfig,
  log: Logger,
  options: { simControlPort?: number } = {},
): Promise<Devices> {
  const boards = [...new Set(config.compartments.map((c) => c.board))].sort((a, b) => a - b);
  const serial = config.serial;
  let bus: SimulatedLockBus | null = null;
  let driver: SerialLockBoard;
  if (serial.kind === 'simulator') {
    bus = await startSimulatedLockBus({ protocol: 'kerong-cu16', boards, doorOpenDelayMs: 300 });
    driver = new SerialLockBoard({
      path: bus.kioskPath,
      protocol: 'kerong-cu16',
      boards,
      pollIntervalMs: 200,
    });
    log.info({ path: bus.kioskPath, boards }, 'simulated lock bus on a pty pair');
  } else {
    driver = new SerialLockBoard({
      path: serial.path,
      protocol: serial.protocol,
      boards,
      lockedBitValue: serial.lockedBitValue,
      pollIntervalMs: serial.pollIntervalMs,
      ...(serial.baudRate ? { baudRate: serial.baudRate } : {}),
      ...(serial.echo !== undefined ? { echo: serial.echo } : {}),
    });
  }
  if (!(await driver.start()))
    log.warn({ serial }, 'lock board not reachable yet; retrying in the background');

  let scanner: BarcodeScanner | null = null;
  let scannerSim: ScannerSimulator | null = null;
  if (config.scanner.kind === 'simulator') {
    const simulated = createSimulatedScanner();
    await simulated.started;
    scanner = simulated.scanner;
    scannerSim = simulated.sim;
  } else if (config.scanner.kind === 'hid') {
    const opened = openHidScanner(config.scanner);
    if (opened.ok) scanner = opened.value;
    else log.error({ problem: opened.error }, 'scanner configuration refused');
  }

  const control = bus
    ? await startControlServer({
        bus,
        port: options.simControlPort ?? 0,
        log,
        ...(scannerSim ? { scanner: scannerSim } : {}),
      })
    : null;
  return {
    board: asPort(driver),
    scanner,
    simulation: bus && control ? { bus, scanner: scannerSim, control } : null,
    async close() {
      await scanner?.close();
      await driver.close();
      await control?.close();
      await bus?.close();
    },
  };
}
