import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatedLockBus } from '../sim/simulatedLockBus';
import { startSimulatedLockBus } from '../sim/simulatedLockBus';
import { main } from './lockctl';

const run = promisify(execFile);

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) },
    out,
    err,
  };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > 10_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('lockctl against the simulator', () => {
  let bus: SimulatedLockBus | undefined;
  afterEach(async () => {
    await bus?.close();
    bus = undefined;
  });

  it('opens a door, then the real CLI reports it open as one JSON line', async () => {
    bus = await startSimulatedLockBus({
      protocol: 'kerong-cu16',
      boards: [0, 1],
      doorOpenDelayMs: 10,
    });
    bus.sim.setItem(1, 5, true);
    const base = ['--port', bus.kioskPath, '--protocol', 'kerong-cu16', '--json'];
    const opened = capture();
    expect(await main([...base, 'open', '1', '3'], opened.io)).toBe(0);
    expect(opened.out.map((l) => JSON.parse(l))).toEqual([
      { board: 1, lock: 3, acknowledged: true },
    ]);
    await until(() => bus?.sim.boards()[1]?.locks[2]?.doorOpen === true, 'the door to open');

    const { stdout } = await run('npx', ['tsx', 'hardware/cli/lockctl.ts', ...base, 'status', '1']);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const state = JSON.parse(lines[0] ?? '') as { board: number; locks: unknown[] };
    expect(state.board).toBe(1);
    expect(state.locks).toHaveLength(16);
    expect(state.locks[2]).toEqual({ lock: 3, locked: false, itemPresent: false });
    expect(state.locks[4]).toEqual({ lock: 5, locked: true, itemPresent: true });
    expect(state.locks[0]).toEqual({ lock: 1, locked: true, itemPresent: false });
  });

  it('reads an LCB24 board with no item sensors', async () => {
    bus = await startSimulatedLockBus({ protocol: 'lcb24', boards: [2] });
    const status = capture();
    expect(
      await main(
        ['--port', bus.kioskPath, '--protocol', 'lcb24', '--json', 'status', '2'],
        status.io,
      ),
    ).toBe(0);
    const state = JSON.parse(status.out[0] ?? '') as { locks: unknown[] };
    expect(state.locks).toHaveLength(24);
    expect(state.locks[23]).toEqual({ lock: 24, locked: true, itemPresent: null });
  });

  it('watches door changes until stopped', async () => {
    bus = await startSimulatedLockBus({ protocol: 'kerong-cu16', boards: [0], doorOpenDelayMs: 5 });
    const watch = capture();
    const stop = new AbortController();
    const args = [
      '--port',
      bus.kioskPath,
      '--protocol',
      'kerong-cu16',
      '--json',
      '--boards',
      '0',
      '--interval',
      '20',
    ];
    const done = main([...args, 'watch'], watch.io, stop.signal);
    await until(() => watch.out.length === 1, 'the initial board state');
    bus.sim.openDoor(0, 9);
    await until(() => watch.out.length === 2, 'the door event');
    stop.abort();
    expect(await done).toBe(0);
    // The first line is the board's baseline, printed as `status --json` prints a board.
    expect(JSON.parse(watch.out[0] ?? '')).toMatchObject({ board: 0 });
    expect((JSON.parse(watch.out[0] ?? '') as { locks: unknown[] }).locks).toHaveLength(16);
    expect(JSON.parse(watch.out[1] ?? '')).toEqual({
      type: 'door',
      board: 0,
      lock: 9,
      locked: false,
    });
  });

  it('says a jammed LCB24 latch is jammed with --echo no, and why it cannot tell without', async () => {
    bus = await startSimulatedLockBus({ protocol: 'lcb24', boards: [1] });
    bus.sim.setFault(1, 'jam', true);
    const base = ['--port', bus.kioskPath, '--protocol', 'lcb24'];
    const exact = capture();
    expect(await main([...base, '--echo', 'no', 'open', '1', '4'], exact.io)).toBe(1);
    expect(exact.err.join('\n')).toMatch(/board 1 says the latch stayed engaged/);
    const unsure = capture();
    expect(await main([...base, 'open', '1', '4'], unsure.io)).toBe(1);
    expect(unsure.err.join('\n')).toMatch(/cannot be told from an echo/);
    expect(bus.sim.pulses(1, 4)).toBe(2);
  });

  it('fails with a clear message when the board does not answer', async () => {
    bus = await startSimulatedLockBus({ protocol: 'kerong-cu16', boards: [0] });
    bus.sim.setFault(0, 'silent', true);
    const status = capture();
    expect(
      await main(['--port', bus.kioskPath, '--protocol', 'kerong-cu16', 'status', '0'], status.io),
    ).toBe(1);
    expect(status.err.join('\n')).toMatch(/board 0 did not answer/);
  });
});

describe('lockctl arguments', () => {
  it.each([
    [['--protocol', 'kerong-cu16', 'status', '0'], '--port is required'],
    [['--port', '/dev/x', 'status', '0'], '--protocol is required'],
    [['--port', '/dev/x', '--protocol', 'cu99', 'status', '0'], 'unknown protocol'],
    [
      ['--port', '/dev/x', '--protocol', 'lcb24', 'open', '1', 'three'],
      'lock must be a whole number',
    ],
    [['--port', '/dev/x', '--protocol', 'lcb24', 'open', '1'], 'wrong arguments for open'],
    [['--port', '/dev/x', '--protocol', 'lcb24', 'explode'], 'unknown command'],
    [
      ['--port', '/dev/x', '--protocol', 'lcb24', '--locked-bit', '2', 'status', '1'],
      '--locked-bit',
    ],
    [['--port', '/dev/x', '--protocol', 'lcb24', 'watch'], 'watch needs --boards'],
    [['--port', '/dev/x', '--protocol', 'lcb24', '--echo', 'maybe', 'status', '1'], '--echo'],
    [['--port', '/dev/x', '--protocol', 'kerong-cu16', 'status', '16'], 'out of range'],
    [['--port', '/dev/x', '--protocol', 'lcb24', '--bogus', 'status', '1'], 'bogus'],
  ])('rejects %j with exit code 2', async (argv, message) => {
    const result = capture();
    expect(await main(argv, result.io)).toBe(2);
    expect(result.err.join('\n')).toContain(message);
    expect(result.out).toEqual([]);
  });

  it('exits 1 when the port does not exist', async () => {
    const result = capture();
    expect(
      await main(
        ['--port', '/nonexistent/locker-bus', '--protocol', 'lcb24', 'status', '1'],
        result.io,
      ),
    ).toBe(1);
    expect(result.err.join('\n')).toMatch(/not available: cannot open \/nonexistent\/locker-bus/);
  });
});
