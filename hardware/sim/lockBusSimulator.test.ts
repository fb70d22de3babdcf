import { afterEach, describe, expect, it } from 'vitest';
import type { BusTransport } from '../lockboard/busTransport';
import { openSerialTransport } from '../lockboard/busTransport';
import { hex, toHex } from '../lockboard/testSupport/scriptedWire';
import type { SimExchange } from './lockBusSimulator';
import { LockBusSimulator } from './lockBusSimulator';
import type { SimulatedLockBus } from './simulatedLockBus';
import { startSimulatedLockBus } from './simulatedLockBus';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LockBusSimulator faults, request by request', () => {
  let sim: LockBusSimulator;
  let exchanges: SimExchange[];
  const make = (protocol: 'kerong-cu16' | 'lcb24', boards: number[]) => {
    sim = new LockBusSimulator({ protocol, boards, doorOpenDelayMs: 5, lateReplyMs: 700 });
    exchanges = [];
    sim.onExchange((exchange) => exchanges.push(exchange));
    return sim;
  };
  afterEach(() => sim.dispose());
  const lock = (board: number, n: number) =>
    sim.boards().find((b) => b.board === board)?.locks[n - 1];

  it('mute: the board pulses the latch and the door opens, but nothing is sent back', async () => {
    make('kerong-cu16', [0]).setFault(0, 'mute', true);
    expect(sim.hear({ kind: 'unlock', board: 0, lock: 5 })).toBeUndefined();
    expect(sim.hear({ kind: 'query', board: 0 })).toBeUndefined();
    expect(sim.pulses(0, 5)).toBe(1);
    await sleep(20);
    expect(lock(0, 5)).toMatchObject({ doorOpen: true, pulses: 1 });
    expect(exchanges.map((e) => e.answer)).toEqual(['muted', 'muted']);
  });

  it('loseNextAnswer: only the next request of that kind goes unanswered, acted on all the same', () => {
    make('kerong-cu16', [0]).loseNextAnswer('unlock');
    expect(sim.hear({ kind: 'query', board: 0 })).toBeDefined();
    expect(sim.hear({ kind: 'unlock', board: 0, lock: 5 })).toBeUndefined();
    expect(sim.hear({ kind: 'unlock', board: 0, lock: 5 })).toBeDefined();
    expect(sim.pulses(0, 5)).toBe(2);
    expect(exchanges.map((e) => e.answer)).toEqual(['replied', 'muted', 'replied']);
  });

  it('late: the real answer, due lateReplyMs after the request', () => {
    make('lcb24', [1]).setFault(1, 'late', true);
    const reply = sim.hear({ kind: 'unlock', board: 1, lock: 1 });
    expect(reply && { bytes: toHex(reply.bytes), delayMs: reply.delayMs }).toEqual({
      bytes: '8A 01 01 00 8A',
      delayMs: 700,
    });
    expect(exchanges.map((e) => e.answer)).toEqual(['late']);
  });

  it('late defaults to 600 ms, longer than the driver default timeout of 300 ms', () => {
    const plain = new LockBusSimulator({ protocol: 'kerong-cu16', boards: [0] });
    plain.setFault(0, 'late', true);
    expect(plain.hear({ kind: 'query', board: 0 })?.delayMs).toBe(600);
    plain.dispose();
  });

  it('jam: LCB24 answers SS=11 (the request bytes), Kerong acknowledges; no door opens', async () => {
    make('lcb24', [1]).setFault(1, 'jam', true);
    expect(toHex(sim.hear({ kind: 'unlock', board: 1, lock: 1 })?.bytes ?? hex('00'))).toBe(
      '8A 01 01 11 9B',
    );
    sim.dispose();
    make('kerong-cu16', [0]).setFault(0, 'jam', true);
    expect(toHex(sim.hear({ kind: 'unlock', board: 0, lock: 5 })?.bytes ?? hex('00'))).toBe(
      '02 04 35 FF FF 00 00 03 3C',
    );
    await sleep(20);
    expect(lock(0, 5)).toMatchObject({ doorOpen: false, pulses: 1 });
  });

  it('silent: the board hears nothing, so it pulses nothing', () => {
    make('kerong-cu16', [0]).setFault(0, 'silent', true);
    expect(sim.hear({ kind: 'unlock', board: 0, lock: 5 })).toBeUndefined();
    expect(sim.pulses(0, 5)).toBe(0);
    expect(exchanges.map((e) => e.answer)).toEqual(['silent']);
  });

  it('counts pulses per lock, and none for queries, other locks or absent boards', () => {
    make('kerong-cu16', [0, 1]);
    sim.hear({ kind: 'unlock', board: 0, lock: 3 });
    sim.hear({ kind: 'unlock', board: 0, lock: 3 });
    sim.hear({ kind: 'unlock', board: 1, lock: 3 });
    sim.hear({ kind: 'unlock', board: 7, lock: 3 });
    sim.hear({ kind: 'query', board: 0 });
    expect([sim.pulses(0, 3), sim.pulses(1, 3), sim.pulses(0, 4), sim.pulses(7, 3)]).toEqual([
      2, 1, 0, 0,
    ]);
    expect(lock(0, 3)?.pulses).toBe(2);
  });

  it('openDoor: a door opens with no unlock and no pulse; closeDoor shuts it', () => {
    make('kerong-cu16', [0]);
    expect(sim.openDoor(0, 9)).toEqual({ ok: true });
    expect(lock(0, 9)).toMatchObject({ doorOpen: true, locked: false, pulses: 0 });
    const reply = sim.hear({ kind: 'query', board: 0 });
    expect(toHex(reply?.bytes ?? hex('00'))).toBe('02 00 35 FF FE 00 00 03 37');
    expect(sim.closeDoor(0, 9)).toEqual({ ok: true });
    expect(sim.openDoor(0, 17)).toEqual({
      ok: false,
      error: 'board 0 has no lock 17 (locks 1-16)',
    });
  });
});

describe('the simulated bus on a pty: echo and late bytes', () => {
  let bus: SimulatedLockBus | undefined;
  let kiosk: BusTransport | undefined;
  afterEach(async () => {
    await kiosk?.close();
    await bus?.close();
    kiosk = undefined;
    bus = undefined;
  });

  async function open(protocol: 'kerong-cu16' | 'lcb24', board: number) {
    bus = await startSimulatedLockBus({ protocol, boards: [board], lateReplyMs: 150 });
    kiosk = await openSerialTransport(bus.kioskPath, bus.sim.protocol.defaultBaudRate);
    const heard: { at: number; bytes: number[] }[] = [];
    kiosk.onData((chunk) => heard.push({ at: Date.now(), bytes: [...chunk] }));
    return { bus, kiosk, heard, all: () => toHex(Uint8Array.from(heard.flatMap((h) => h.bytes))) };
  }

  it.each([
    ['kerong-cu16', 0, '02 00 30 03 35', '02 00 35 FF FF 00 00 03 38'],
    ['lcb24', 1, '80 01 00 33 B2', '80 01 FF FF FF 33 4D'],
  ] as const)(
    'echo: %s request bytes come back before the answer',
    async (protocol, board, q, a) => {
      const { bus, kiosk, all } = await open(protocol, board);
      bus.sim.echo = true;
      await kiosk.write(hex(q));
      await until(() => all().length >= `${q} ${a}`.length, 'echo and answer');
      expect(all()).toBe(`${q} ${a}`);
    },
  );

  it('late: the answer arrives after the configured delay', async () => {
    const { bus, kiosk, heard, all } = await open('kerong-cu16', 0);
    bus.sim.setFault(0, 'late', true);
    const sent = Date.now();
    await kiosk.write(hex('02 00 30 03 35'));
    await sleep(100);
    expect(heard).toEqual([]);
    await until(() => all() === '02 00 35 FF FF 00 00 03 38', 'the late answer');
    expect((heard[0]?.at ?? 0) - sent).toBeGreaterThanOrEqual(140);
  });

  it('late: an unplug drops answers still due', async () => {
    const { bus, kiosk, heard } = await open('kerong-cu16', 0);
    bus.sim.setFault(0, 'late', true);
    await kiosk.write(hex('02 00 30 03 35'));
    await bus.unplug();
    await bus.replug();
    await sleep(250);
    expect(heard).toEqual([]);
  });
});

async function until(condition: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > 5_000) throw new Error(`gave up waiting for ${what}`);
    await sleep(5);
  }
}
