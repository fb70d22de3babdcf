/**
 * The staff diagnostics' lock board, on the real serial driver over a pty to the Kerong
 * simulator: one silent board is a fault while the bus and the other board are fine (issue 11:
 * "Lock board OK" while a board is silent was wrong), and it clears when the board answers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SerialLockBoard } from '../../../hardware/lockboard/serialLockBoard';
import {
  startSimulatedLockBus,
  type SimulatedLockBus,
} from '../../../hardware/sim/simulatedLockBus';
import { HardwareMonitor } from './hardwareMonitor';

async function until(condition: () => boolean, what: string, deadlineMs = 10_000) {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > deadlineMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the lock board in diagnostics', () => {
  let bus: SimulatedLockBus | undefined;
  let driver: SerialLockBoard | undefined;
  afterEach(async () => {
    await driver?.close();
    await bus?.close();
  });

  it('is a fault while one board is silent, naming it, and OK again when it answers', async () => {
    bus = await startSimulatedLockBus({ protocol: 'kerong-cu16', boards: [0, 1] });
    driver = new SerialLockBoard({
      path: bus.kioskPath,
      protocol: 'kerong-cu16',
      boards: [0, 1],
      pollIntervalMs: 20,
      replyTimeoutMs: 80,
      retries: 1,
    });
    let now = 1_000;
    const monitor = new HardwareMonitor(driver, null, () => now);
    expect(await driver.start()).toBe(true);
    expect(monitor.lockBoard()).toMatchObject({ state: 'ok', busConnected: true });

    now = 2_000;
    bus.sim.setFault(1, 'silent', true);
    await until(() => monitor.lockBoard().state === 'fault', 'the silent board to show');
    expect(monitor.lockBoard()).toEqual({
      state: 'fault',
      busConnected: true,
      silentBoards: [{ board: 1, failure: 'timeout', since: 2_000 }],
      lastFault: 'board 1: timeout',
      lastFaultAt: 2_000,
    });

    bus.sim.setFault(1, 'silent', false);
    await until(() => monitor.lockBoard().state === 'ok', 'the board to answer again');
    expect(monitor.lockBoard().silentBoards).toEqual([]);
    // The last fault stays on record for staff.
    expect(monitor.lockBoard().lastFault).toBe('board 1: timeout');
    monitor.close();
  });
});
