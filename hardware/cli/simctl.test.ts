import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlServer } from '../sim/controlServer';
import { startControlServer } from '../sim/controlServer';
import type { SimulatedLockBus } from '../sim/simulatedLockBus';
import { startSimulatedLockBus } from '../sim/simulatedLockBus';
import { main } from './simctl';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) },
    out,
    err,
  };
}

describe('simctl', () => {
  let bus: SimulatedLockBus;
  let server: ControlServer;
  beforeAll(async () => {
    bus = await startSimulatedLockBus({ protocol: 'kerong-cu16', boards: [0] });
    server = await startControlServer({ bus });
  });
  afterAll(async () => {
    await server.close();
    await bus.close();
  });

  it('places an item and injects a fault through the control API', async () => {
    expect(await main(['--url', server.url, 'item', '0', '7', 'on'], capture().io)).toBe(0);
    expect(await main(['--url', server.url, 'fault', '0', 'jam', 'on'], capture().io)).toBe(0);
    const state = capture();
    expect(await main(['--url', server.url, 'state'], state.io)).toBe(0);
    const board = (
      JSON.parse(state.out[0] ?? '') as {
        boards: { faults: { jam: boolean }; locks: { itemPresent: boolean }[] }[];
      }
    ).boards[0];
    expect(board?.faults.jam).toBe(true);
    expect(board?.locks[6]?.itemPresent).toBe(true);
  });

  it('forces a door open and switches the new faults', async () => {
    expect(await main(['--url', server.url, 'open', '0', '12'], capture().io)).toBe(0);
    for (const fault of ['mute', 'late', 'echo']) {
      expect(await main(['--url', server.url, 'fault', '0', fault, 'on'], capture().io)).toBe(0);
    }
    const board = bus.sim.boards()[0];
    expect(board?.locks[11]).toMatchObject({ doorOpen: true, pulses: 0 });
    expect(board?.faults).toMatchObject({ mute: true, late: true });
    expect(bus.sim.echo).toBe(true);
  });

  it('passes the server refusal on with exit code 1', async () => {
    const result = capture();
    expect(await main(['--url', server.url, 'close', '0', '99'], result.io)).toBe(1);
    expect(result.err.join('\n')).toMatch(/400 .*no lock 99/);
  });

  it('rejects bad arguments with exit code 2', async () => {
    const result = capture();
    expect(await main(['--url', server.url, 'item', '0', '7', 'maybe'], result.io)).toBe(2);
    expect(result.err.join('\n')).toContain('expected on or off');
    const noKind = capture();
    expect(await main(['--url', server.url, 'fault', '0'], noKind.io)).toBe(2);
    expect(noKind.err.join('\n')).toContain(
      'fault needs a kind: jam, silent, garbled, mute, late, echo, unplug',
    );
  });
});
