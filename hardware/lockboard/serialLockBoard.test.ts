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

  async function setup(
    overrides: Partial<SerialLockBoardOptions> = {},
    simulator: { lockedBitValue?: 0 | 1; lateReplyMs?: number } = {},
    beforeStart: (bus: SimulatedLockBus) => void = () => undefined,
  ) {
    bus = await startSimulatedLockBus({
      protocol: family.protocol,
      boards: family.boards,
      doorOpenDelayMs: 20,
      ...simulator,
    });
    bus.sim.onExchange((exchange) => exchanges.push(exchange));
    beforeStart(bus);
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
  const baselines = (board: number) =>
    events.flatMap((e) => (e.type === 'baseline' && e.state.board === board ? [e.state] : []));
  const lockOf = (board: number, lock: number) =>
    bus?.sim.boards().find((b) => b.board === board)?.locks[lock - 1];
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
    expect(baselines(second)).toHaveLength(1);

    expect(await driver.unlock({ board: second, lock: 3 })).toEqual({ ok: true, value: undefined });
    await until(() => doorEvents().length === 1, 'the door-open event');
    expect(doorEvents()).toEqual([{ type: 'door', board: second, lock: 3, locked: false }]);
    expect(lockOf(second, 3)?.doorOpen).toBe(true);
    expect(bus.sim.pulses(second, 3)).toBe(1);

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

  it('drops a garbled answer to a query and retries', async () => {
    const { bus, driver } = await setup({ pollIntervalMs: 0 });
    bus.sim.setFault(first, 'garbled', true);
    bus.sim.onExchange(() => bus.sim.setFault(first, 'garbled', false));
    expect((await driver.queryBoard(first)).ok).toBe(true);
    expect(exchangesWith(first).map((e) => e.answer)).toEqual(['garbled', 'replied']);
    expect(driver.lineErrors.droppedFrames).toBeGreaterThan(0);
  });

  it('never retries an unlock: a garbled answer pulses once and ends as bad_reply', async () => {
    const { bus, driver } = await setup({ pollIntervalMs: 0 });
    bus.sim.setFault(first, 'garbled', true);
    expect(await driver.unlock({ board: first, lock: 2 })).toEqual({
      ok: false,
      error: 'bad_reply',
    });
    expect(exchangesWith(first).map((e) => e.answer)).toEqual(['garbled']);
    expect(bus.sim.pulses(first, 2)).toBe(1);
  });

  it('never retries an unlock: a silent board gets one request and a timeout', async () => {
    const { bus, driver } = await setup({ pollIntervalMs: 0 });
    bus.sim.setFault(first, 'silent', true);
    expect(await driver.unlock({ board: first, lock: 2 })).toEqual({
      ok: false,
      error: 'timeout',
    });
    expect(exchangesWith(first).map((e) => e.answer)).toEqual(['silent']);
  });

  it('a muted board pulses the latch once and opens the door, but the unlock times out', async () => {
    const { bus, driver } = await setup({ pollIntervalMs: 0 });
    bus.sim.setFault(first, 'mute', true);
    expect(await driver.unlock({ board: first, lock: 6 })).toEqual({
      ok: false,
      error: 'timeout',
    });
    expect(bus.sim.pulses(first, 6)).toBe(1);
    expect(exchangesWith(first)).toEqual([
      expect.objectContaining({ answer: 'muted', echoed: false }),
    ]);
    // Only a fresh reading tells what the pulse did.
    bus.sim.setFault(first, 'mute', false);
    await until(() => lockOf(first, 6)?.doorOpen === true, 'the door to spring open');
    const state = await driver.queryBoard(first);
    expect(state.ok && state.value.locks[5]?.locked).toBe(false);
  });

  it('reports bad_reply when every answer is garbled', async () => {
    const { bus, driver } = await setup({ pollIntervalMs: 0 });
    bus.sim.setFault(first, 'garbled', true);
    expect(await driver.queryBoard(first)).toEqual({ ok: false, error: 'bad_reply' });
    expect(exchangesWith(first)).toHaveLength(3);
  });

  it.runIf(family.protocol === 'kerong-cu16')(
    'acknowledges an unlock on a jammed lock (the frame has no latch status); the door stays shut',
    async () => {
      const { bus, driver } = await setup();
      bus.sim.setFault(first, 'jam', true);
      expect(await driver.unlock({ board: first, lock: 5 })).toEqual({
        ok: true,
        value: undefined,
      });
      const seen = exchangesWith(first).length;
      await until(() => exchangesWith(first).length >= seen + 5, 'several polls after the unlock');
      expect(doorEvents()).toEqual([]);
      expect(lockOf(first, 5)?.locked).toBe(true);
    },
  );

  it.runIf(family.protocol === 'lcb24')(
    'a jammed lock answers SS=11: ambiguous without an echo, jammed with echo: false',
    async () => {
      const { bus, driver } = await setup({ pollIntervalMs: 0 });
      bus.sim.setFault(first, 'jam', true);
      // `8A 01 05 11 9F` is byte for byte the request: it may be an adapter's echo.
      expect(await driver.unlock({ board: first, lock: 5 })).toEqual({
        ok: false,
        error: 'bad_reply',
      });
      await driver.close();
      const knowsNoEcho = new SerialLockBoard({
        path: bus.kioskPath,
        protocol: 'lcb24',
        boards: family.boards,
        pollIntervalMs: 0,
        echo: false,
      });
      try {
        expect(await knowsNoEcho.start()).toBe(true);
        expect(await knowsNoEcho.unlock({ board: first, lock: 5 })).toEqual({
          ok: false,
          error: 'jammed',
        });
      } finally {
        await knowsNoEcho.close();
      }
      expect(bus.sim.pulses(first, 5)).toBe(2);
      expect(lockOf(first, 5)?.locked).toBe(true);
    },
  );

  it('works through an echoing adapter: queries read, unlocks acknowledged, jams reported', async () => {
    const { bus, driver } = await setup({ pollIntervalMs: 0 });
    bus.sim.echo = true;
    const state = await driver.queryBoard(second);
    expect(state.ok && state.value.locks).toHaveLength(family.locks);
    expect(await driver.unlock({ board: second, lock: 7 })).toEqual({ ok: true, value: undefined });
    bus.sim.setFault(second, 'jam', true);
    expect(await driver.unlock({ board: second, lock: 8 })).toEqual(
      family.protocol === 'lcb24'
        ? { ok: false, error: 'jammed' } // the echo, then the board's own SS=11
        : { ok: true, value: undefined }, // Kerong replies carry no latch status
    );
    expect(exchangesWith(second).map((e) => e.echoed)).toEqual([true, true, true]);
    expect(bus.sim.pulses(second, 7) + bus.sim.pulses(second, 8)).toBe(2);
  });

  it('keeps a late reply from answering the next unlock, of lock 1 or lock 5', async () => {
    // The board answers 130 ms after each request: after the 80 ms timeout, inside the next
    // exchange's window if that started at once.
    const { bus, driver } = await setup({ pollIntervalMs: 0, retries: 0 }, { lateReplyMs: 130 });
    for (const lock of [1, 5]) {
      bus.sim.setFault(first, 'late', true);
      expect(await driver.queryBoard(first)).toEqual({ ok: false, error: 'timeout' });
      // From now on the board acts but says nothing: only the late reply could acknowledge.
      bus.sim.setFault(first, 'late', false);
      bus.sim.setFault(first, 'mute', true);
      expect(await driver.unlock({ board: first, lock })).toEqual({ ok: false, error: 'timeout' });
      expect(bus.sim.pulses(first, lock)).toBe(1);
      bus.sim.setFault(first, 'mute', false);
    }
    expect(exchangesWith(first).map((e) => e.answer)).toEqual(['late', 'muted', 'late', 'muted']);
  });

  it('reports a door that opened without an unlock', async () => {
    const { bus } = await setup();
    await until(() => baselines(first).length === 1, 'the baseline');
    expect(bus.sim.openDoor(first, 3)).toEqual({ ok: true });
    await until(() => doorEvents().length === 1, 'the door-open event');
    expect(doorEvents()).toEqual([{ type: 'door', board: first, lock: 3, locked: false }]);
    expect(bus.sim.pulses(first, 3)).toBe(0);
  });

  it('emits one baseline per board at start, with the full state, and no change events', async () => {
    await setup({}, {}, (bus) => void bus.sim.openDoor(second, 2));
    await until(() => baselines(first).length + baselines(second).length === 2, 'baselines');
    const seen = exchanges.length;
    await until(() => exchanges.length >= seen + 6, 'a few more polls');
    expect(baselines(first)).toHaveLength(1);
    expect(baselines(second)).toHaveLength(1);
    expect(
      baselines(second)[0]
        ?.locks.filter((l) => !l.locked)
        .map((l) => l.lock),
    ).toEqual([2]);
    expect(baselines(first)[0]?.locks).toHaveLength(family.locks);
    expect(doorEvents()).toEqual([]);
  });

  it('gives a board that was silent at start its baseline when it wakes, and only that', async () => {
    const { bus } = await setup({}, {}, (bus) => void bus.sim.setFault(first, 'silent', true));
    await until(() => baselines(second).length === 1, 'the other board to be read');
    bus.sim.openDoor(first, 4); // happens while the board cannot be read
    bus.sim.setFault(first, 'silent', false);
    await until(() => baselines(first).length === 1, 'the woken board to be read');
    expect(baselines(first)[0]?.locks[3]?.locked).toBe(false);
    expect(doorEvents()).toEqual([]);
  });

  it('says once that a board went silent, and gives it a baseline when it answers again', async () => {
    const { bus } = await setup();
    await until(() => baselines(first).length === 1, 'the baseline');
    const unreadable = () => events.filter((e) => e.type === 'unreadable');
    bus.sim.setFault(first, 'silent', true);
    await until(() => unreadable().length === 1, 'the silent board to be reported');
    const seen = exchangesWith(first).length;
    await until(() => exchangesWith(first).length >= seen + 6, 'more polls of the silent board');
    expect(unreadable()).toEqual([{ type: 'unreadable', board: first, failure: 'timeout' }]);
    bus.sim.setFault(first, 'silent', false);
    await until(() => baselines(first).length === 2, 'the baseline after the silence');
    expect(unreadable()).toHaveLength(1);
  });

  it('gives every board a new baseline after the bus dropped and came back', async () => {
    const { bus } = await setup();
    await until(() => baselines(first).length + baselines(second).length === 2, 'baselines');
    await bus.unplug();
    await until(() => events.some((e) => e.type === 'fault'), 'the fault event');
    bus.sim.openDoor(first, 4); // nobody can see it happen
    await bus.replug();
    await until(
      () => baselines(first).length === 2 && baselines(second).length === 2,
      'baselines after recovery',
    );
    expect(baselines(first)[1]?.locks[3]?.locked).toBe(false);
    expect(doorEvents()).toEqual([]);
    const order = events.map((e) => e.type).filter((t) => t !== 'door' && t !== 'item');
    expect(order.indexOf('recovered')).toBeLessThan(order.lastIndexOf('baseline'));
  });

  it('reads lock bits with the configured polarity', async () => {
    const { driver } = await setup({ pollIntervalMs: 0, lockedBitValue: 0 }, { lockedBitValue: 0 });
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
    // Changes are reported against the fresh baseline, not against the reading before the drop.
    await until(() => baselines(first).length === 2, 'the baseline after recovery');
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
