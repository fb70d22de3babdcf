import { afterEach, describe, expect, it } from 'vitest';
import type { SimExchange } from '../sim/lockBusSimulator';
import type { SimulatedLockBus } from '../sim/simulatedLockBus';
import { startSimulatedLockBus } from '../sim/simulatedLockBus';
import type { LockBoardProtocolName } from './boardProtocol';
import type { SerialLockBoardOptions } from './serialLockBoard';
import { SerialLockBoard } from './serialLockBoard';
import type { LockBoardEvent } from './types';

/** Polls a condition; the deadline is only a safety net against a hung test. */
async function until(condition: () => boolean, what: string, deadlineMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > deadlineMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const families: { protocol: LockBoardProtocolName; boards: [number, number]; locks: number }[] = [
  { protocol: 'kerong-cu16', boards: [0, 1], locks: 16 },
  { protocol: 'lcb24', boards: [1, 2], locks: 24 },
];

describe.each(families)('SerialLockBoard over a pty against the $protocol simulator', (family) => {
  const [first, second] = family.boards;
  let bus: SimulatedLockBus | undefined;
  let driver: SerialLockBoard | undefined;
  let events: LockBoardEvent[] = [];
  let exchanges: SimExchange[] = [];

  async function setup(overrides: Partial<SerialLockBoardOptions> = {}, lockedBitValue: 0 | 1 = 1) {
    bus = await startSimulatedLockBus({
      protocol: family.protocol,
      boards: family.boards,
      doorOpenDelayMs: 20,
      lockedBitValue,
    });
    bus.sim.onExchange((exchange) => exchanges.push(exchange));
    driver = new SerialLockBoard({
      path: bus.kioskPath,
      protocol: family.protocol,
      boards: family.boards,
      pollIntervalMs: 20,
      replyTimeoutMs: 80,
      retries: 2,
      reopenBackoff: { initialMs: 20, maxMs: 100 },
      ...overrides,
    });
    driver.onEvent((event) => events.push(event));
    expect(await driver.start()).toBe(true);
    return { bus, driver };
  }

  const doorEvents = () => events.filter((e) => e.type === 'door');
  const exchangesWith = (board: number) => exchanges.filter((e) => e.board === board);

  afterEach(async () => {
    await driver?.close();
    await bus?.close();
    driver = undefined;
    bus = undefined;
    events = [];
    exchanges = [];
  });

  it('reads every lock of each board on the bus', async () => {
    const { driver } = await setup({ pollIntervalMs: 0 });
    for (const board of family.boards) {
      const result = await driver.queryBoard(board);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.value.board).toBe(board);
      expect(result.value.locks).toHaveLength(family.locks);
      expect(result.value.locks[0]).toEqual({
        lock: 1,
        locked: true,
        itemPresent: family.protocol === 'lcb24' ? null : false,
      });
    }
  });

  it('unlocks a door and reports it open, then shut again, only on change', async () => {
    const { bus, driver } = await setup();
    await until(() => exchangesWith(second).length >= 2, 'a few polls');
    expect(doorEvents()).toEqual([]); // the first reading is the baseline, not a change

    expect(await driver.unlock({ board: second, lock: 3 })).toEqual({ ok: true, value: undefined });
    await until(() => doorEvents().length === 1, 'the door-open event');
    expect(doorEvents()).toEqual([{ type: 'door', board: second, lock: 3, locked: false }]);
    expect(bus.sim.boards().find((b) => b.board === second)?.locks[2]?.doorOpen).toBe(true);

    expect(bus.sim.closeDoor(second, 3)).toEqual({ ok: true });
    await until(() => doorEvents().length === 2, 'the door-shut event');
    expect(doorEvents()[1]).toEqual({ type: 'door', board: second, lock: 3, locked: true });

    const state = await driver.queryBoard(second);
    expect(state.ok && state.value.locks[2]?.locked).toBe(true);
  });

  it.runIf(family.protocol === 'kerong-cu16')(
    'reports item placed and removed from the IR sensors',
    async () => {
      const { bus } = await setup();
      await until(() => exchangesWith(first).length >= 2, 'a few polls');
      bus.sim.setItem(first, 16, true);
      await until(() => events.some((e) => e.type === 'item'), 'the item event');
      bus.sim.setItem(first, 16, false);
      await until(
        () => events.filter((e) => e.type === 'item').length === 2,
        'the item-gone event',
      );
      expect(events.filter((e) => e.type === 'item')).toEqual([
        { type: 'item', board: first, lock: 16, present: true },
        { type: 'item', board: first, lock: 16, present: false },
      ]);
    },
  );

  it('refuses locks that are not on the configured boards', async () => {
    const { driver } = await setup({ pollIntervalMs: 0 });
    const missing = { ok: false, error: 'no_such_lock' };
    expect(await driver.unlock({ board: 7, lock: 1 })).toEqual(missing);
    expect(await driver.unlock({ board: first, lock: 0 })).toEqual(missing);
    expect(await driver.unlock({ board: first, lock: family.locks + 1 })).toEqual(missing);
    expect(await driver.queryBoard(7)).toEqual(missing);
    expect(exchanges).toEqual([]);
  });

  it('times out on a silent board after retrying, while the other board still answers', async () => {
    const { bus, driver } = await setup({ pollIntervalMs: 0 });
    bus.sim.setFault(first, 'silent', true);
    expect(await driver.queryBoard(first)).toEqual({ ok: false, error: 'timeout' });
    expect(exchangesWith(first).map((e) => e.answer)).toEqual(['silent', 'silent', 'silent']);
    expect((await driver.unlock({ board: second, lock: 1 })).ok).toBe(true);
  });

  it('retries past one missed answer', async () => {
    const { bus, driver } = await setup({ pollIntervalMs: 0 });
    bus.sim.setFault(first, 'silent', true);
    bus.sim.onExchange(() => bus.sim.setFault(first, 'silent', false));
    expect((await driver.queryBoard(first)).ok).toBe(true);
    expect(exchangesWith(first).map((e) => e.answer)).toEqual(['silent', 'replied']);
  });

  it('drops a garbled answer and retries', async () => {
    const { bus, driver } = await setup({ pollIntervalMs: 0 });
    bus.sim.setFault(first, 'garbled', true);
    bus.sim.onExchange(() => bus.sim.setFault(first, 'garbled', false));
    expect(await driver.unlock({ board: first, lock: 2 })).toEqual({ ok: true, value: undefined });
    expect(exchangesWith(first).map((e) => e.answer)).toEqual(['garbled', 'replied']);
    expect(driver.lineErrors.droppedFrames).toBeGreaterThan(0);
  });

  it('reports bad_reply when every answer is garbled', async () => {
    const { bus, driver } = await setup({ pollIntervalMs: 0 });
    bus.sim.setFault(first, 'garbled', true);
    expect(await driver.queryBoard(first)).toEqual({ ok: false, error: 'bad_reply' });
    expect(exchangesWith(first)).toHaveLength(3);
  });

  it('acknowledges an unlock on a jammed lock but never reports the door open', async () => {
    const { bus, driver } = await setup();
    bus.sim.setFault(first, 'jam', true);
    expect((await driver.unlock({ board: first, lock: 5 })).ok).toBe(true);
    const seen = exchangesWith(first).length;
    await until(() => exchangesWith(first).length >= seen + 5, 'several polls after the unlock');
    expect(doorEvents()).toEqual([]);
    expect(bus.sim.boards().find((b) => b.board === first)?.locks[4]?.locked).toBe(true);
  });

  it('reads lock bits with the configured polarity', async () => {
    const { driver } = await setup({ pollIntervalMs: 0, lockedBitValue: 0 }, 0);
    const state = await driver.queryBoard(first);
    expect(state.ok && state.value.locks.every((l) => l.locked)).toBe(true);
  });

  it('survives an unplug: fault, fast disconnected answers, recovered, working again', async () => {
    const { bus, driver } = await setup();
    await until(() => exchangesWith(first).length >= 1, 'a first poll');
    await bus.unplug();
    await until(() => events.some((e) => e.type === 'fault'), 'the fault event');
    expect(await driver.unlock({ board: first, lock: 1 })).toEqual({
      ok: false,
      error: 'disconnected',
    });
    expect(driver.connected).toBe(false);

    await bus.replug();
    await until(() => events.some((e) => e.type === 'recovered'), 'the recovered event');
    expect(
      events.filter((e) => e.type === 'fault' || e.type === 'recovered').map((e) => e.type),
    ).toEqual(['fault', 'recovered']);
    expect(await driver.unlock({ board: first, lock: 1 })).toEqual({ ok: true, value: undefined });
    await until(() => doorEvents().length === 1, 'the door-open event after recovery');
    expect(doorEvents()).toEqual([{ type: 'door', board: first, lock: 1, locked: false }]);
  });
});

describe('SerialLockBoard without a device', () => {
  it('reports one fault, answers disconnected, and keeps trying to open', async () => {
    let attempts = 0;
    const driver = new SerialLockBoard({
      path: '/dev/locker-bus',
      protocol: 'kerong-cu16',
      boards: [0],
      reopenBackoff: { initialMs: 5, maxMs: 10 },
      openTransport: () => {
        attempts += 1;
        return Promise.reject(new Error('ENOENT: no such file or directory'));
      },
    });
    const events: LockBoardEvent[] = [];
    driver.onEvent((event) => events.push(event));
    expect(await driver.start()).toBe(false);
    expect(await driver.queryBoard(0)).toEqual({ ok: false, error: 'disconnected' });
    await until(() => attempts >= 4, 'several reopen attempts');
    expect(events).toEqual([
      { type: 'fault', reason: 'cannot open /dev/locker-bus: ENOENT: no such file or directory' },
    ]);
    await driver.close();
  });
});
