import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlServer, ScannerSim } from './controlServer';
import { startControlServer } from './controlServer';
import type { SimulatedLockBus } from './simulatedLockBus';
import { startSimulatedLockBus } from './simulatedLockBus';

async function call(server: ControlServer, method: string, path: string, body?: unknown | string) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * A real request on the server's socket with the Host and Origin a browser would send: a page
 * whose domain name was rebound to 127.0.0.1, or a cross-site page posting to 127.0.0.1.
 */
function rawCall(
  server: ControlServer,
  method: string,
  path: string,
  headers: { host?: string; origin?: string; 'content-type'?: string },
  body?: string,
): Promise<{ status: number; body: string }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, setHost: headers.host === undefined, headers },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > 10_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('control server over a Kerong bus', () => {
  let bus: SimulatedLockBus;
  let server: ControlServer;
  const scans: { text: string; symbology?: string }[] = [];
  const scanner: ScannerSim = { scan: (text, symbology) => void scans.push({ text, symbology }) };

  beforeAll(async () => {
    bus = await startSimulatedLockBus({
      protocol: 'kerong-cu16',
      boards: [0, 1],
      doorOpenDelayMs: 5,
    });
    server = await startControlServer({ bus, scanner });
  });
  afterAll(async () => {
    await server.close();
    await bus.close();
  });

  const lockOf = (state: unknown, board: number, lock: number) =>
    (state as { boards: { board: number; locks: Record<string, unknown>[] }[] }).boards.find(
      (b) => b.board === board,
    )?.locks[lock - 1];

  it('binds to loopback and reports every board, lock and fault', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { status, body } = await call(server, 'GET', '/state');
    expect(status).toBe(200);
    expect(body).toMatchObject({ protocol: 'kerong-cu16', plugged: true });
    expect(lockOf(body, 1, 16)).toEqual({
      lock: 16,
      locked: true,
      doorOpen: false,
      itemPresent: false,
      pulses: 0,
    });
    expect((body.boards as { faults: unknown }[])[0]?.faults).toEqual({
      jam: false,
      silent: false,
      garbled: false,
      mute: false,
      late: false,
      echo: false,
      unplug: false,
    });
    expect(body.echo).toBe(false);
  });

  it('shuts a door that an unlock opened, and counts the pulse', async () => {
    bus.sim.hear({ kind: 'unlock', board: 1, lock: 4 });
    await until(() => bus.sim.boards()[1]?.locks[3]?.doorOpen === true, 'the door to spring open');
    const { status, body } = await call(server, 'POST', '/doors/close', { board: 1, lock: 4 });
    expect(status).toBe(200);
    expect(lockOf(body.state, 1, 4)).toMatchObject({ locked: true, doorOpen: false, pulses: 1 });
  });

  it('forces a door open without an unlock', async () => {
    const { status, body } = await call(server, 'POST', '/doors/open', { board: 0, lock: 11 });
    expect(status).toBe(200);
    expect(lockOf(body.state, 0, 11)).toMatchObject({ locked: false, doorOpen: true, pulses: 0 });
    await call(server, 'POST', '/doors/close', { board: 0, lock: 11 });
  });

  it('places and removes an item', async () => {
    expect(
      lockOf(
        (await call(server, 'POST', '/items', { board: 0, lock: 2, present: true })).body.state,
        0,
        2,
      ),
    ).toMatchObject({ itemPresent: true });
    expect(
      lockOf(
        (await call(server, 'POST', '/items', { board: 0, lock: 2, present: false })).body.state,
        0,
        2,
      ),
    ).toMatchObject({ itemPresent: false });
  });

  it('switches board faults on and off', async () => {
    const on = await call(server, 'POST', '/faults', { board: 1, fault: 'silent', on: true });
    expect(
      (on.body.state as { boards: { faults: { silent: boolean } }[] }).boards[1]?.faults.silent,
    ).toBe(true);
    expect(bus.sim.hear({ kind: 'query', board: 1 })).toBeUndefined();
    await call(server, 'POST', '/faults', { board: 1, fault: 'silent', on: false });
    expect(bus.sim.hear({ kind: 'query', board: 1 })?.bytes).toBeInstanceOf(Uint8Array);
  });

  it.each(['mute', 'late', 'jam', 'garbled'] as const)(
    'switches the %s fault on one board only',
    async (fault) => {
      const on = await call(server, 'POST', '/faults', { board: 1, fault, on: true });
      const faultsOf = (state: unknown) =>
        (state as { boards: { faults: Record<string, boolean> }[] }).boards.map(
          (b) => b.faults[fault],
        );
      expect(faultsOf(on.body.state)).toEqual([false, true]);
      const off = await call(server, 'POST', '/faults', { board: 1, fault, on: false });
      expect(faultsOf(off.body.state)).toEqual([false, false]);
    },
  );

  it('switches the adapter echo for the whole bus', async () => {
    const on = await call(server, 'POST', '/faults', { board: 1, fault: 'echo', on: true });
    expect(on.body.state).toMatchObject({ echo: true });
    expect(
      (on.body.state as { boards: { faults: { echo: boolean } }[] }).boards.map(
        (b) => b.faults.echo,
      ),
    ).toEqual([true, true]);
    expect(bus.sim.echo).toBe(true);
    await call(server, 'POST', '/faults', { board: 0, fault: 'echo', on: false });
    expect(bus.sim.echo).toBe(false);
  });

  it('unplugs and replugs the bus', async () => {
    expect(
      (await call(server, 'POST', '/faults', { board: 0, fault: 'unplug', on: true })).body.state,
    ).toMatchObject({
      plugged: false,
    });
    expect(bus.plugged).toBe(false);
    expect(
      (await call(server, 'POST', '/faults', { board: 0, fault: 'unplug', on: false })).body.state,
    ).toMatchObject({
      plugged: true,
    });
  });

  it.each([
    ['/doors/close', '{"board": 0,', 'not valid JSON'],
    ['/doors/close', '', 'empty'],
    ['/doors/close', { board: 0 }, 'lock'],
    ['/doors/close', { board: 0, lock: 17 }, 'no lock 17'],
    ['/doors/close', { board: 5, lock: 1 }, 'no board 5'],
    ['/doors/close', { board: 0, lock: 1, extra: true }, 'extra'],
    ['/items', { board: 0, lock: 1, present: 'yes' }, 'present'],
    ['/faults', { board: 0, fault: 'fire', on: true }, 'fault'],
    ['/faults', { board: 9, fault: 'unplug', on: true }, 'no board 9'],
    ['/faults', { board: 9, fault: 'echo', on: true }, 'no board 9'],
    ['/doors/open', { board: 0, lock: 0 }, 'lock'],
    ['/doors/open', { board: 5, lock: 1 }, 'no board 5'],
    ['/faults', { board: 0, fault: 'jam', on: 1 }, 'on'],
    ['/scan', { text: '' }, 'text'],
  ])('answers 400 to POST %s with %j and changes nothing', async (path, body, message) => {
    const before = await call(server, 'GET', '/state');
    const { status, body: answer } = await call(server, 'POST', path, body);
    expect(status).toBe(400);
    expect(String(answer.error)).toContain(message);
    expect((await call(server, 'GET', '/state')).body).toEqual(before.body);
  });

  it('hands scans to the scanner simulator', async () => {
    expect(
      (await call(server, 'POST', '/scan', { text: 'PICKUP-1234', symbology: 'QR' })).status,
    ).toBe(200);
    expect(scans).toEqual([{ text: 'PICKUP-1234', symbology: 'QR' }]);
  });

  it('answers 409 when the scanner refuses a scan', async () => {
    const refusing = await startControlServer({
      bus,
      scanner: { scan: () => ({ ok: false, error: { reason: 'not-connected' } }) } as ScannerSim,
    });
    try {
      const { status, body } = await call(refusing, 'POST', '/scan', { text: 'X' });
      expect(status).toBe(409);
      expect(body.error).toMatch(/not-connected/);
    } finally {
      await refusing.close();
    }
  });

  it('answers 404 for unknown routes and 405 for wrong methods', async () => {
    expect((await call(server, 'GET', '/nope')).status).toBe(404);
    expect((await call(server, 'GET', '/doors/close')).status).toBe(405);
  });
});

describe('control server against DNS rebinding and cross-site pages', () => {
  let bus: SimulatedLockBus;
  let server: ControlServer;
  let port: string;
  const refusals: { details: Record<string, unknown>; message: string }[] = [];
  const scans: string[] = [];

  beforeAll(async () => {
    bus = await startSimulatedLockBus({ protocol: 'kerong-cu16', boards: [0], doorOpenDelayMs: 5 });
    server = await startControlServer({
      bus,
      scanner: { scan: (text) => void scans.push(text) },
      log: { warn: (details, message) => void refusals.push({ details, message }) },
    });
    port = new URL(server.url).port;
  });
  afterAll(async () => {
    await server.close();
    await bus.close();
  });

  const doorOpen = (lock: number) => bus.sim.boards()[0]!.locks[lock - 1]!.doorOpen;
  const itemPresent = (lock: number) => bus.sim.boards()[0]!.locks[lock - 1]!.itemPresent;

  it('refuses a rebound Host with 421 before any route runs, and changes nothing', async () => {
    // The attacker's page at rebind.attacker.example, its name now resolving to 127.0.0.1: to
    // the browser this is same-origin, so it sends its own name as Host (and as Origin).
    const host = `rebind.attacker.example:${port}`;
    const json = { 'content-type': 'application/json' };
    const attempts = [
      rawCall(server, 'GET', '/state', { host }),
      rawCall(server, 'POST', '/doors/open', { host, ...json }, '{"board":0,"lock":3}'),
      rawCall(server, 'POST', '/items', { host, ...json }, '{"board":0,"lock":4,"present":true}'),
      rawCall(server, 'POST', '/scan', { host, origin: `http://${host}`, ...json }, '{"text":"X"}'),
    ];
    for (const answer of await Promise.all(attempts)) {
      expect(answer.status).toBe(421);
      expect(JSON.parse(answer.body)).toMatchObject({ error: expect.stringMatching(/Host/) });
    }
    expect(doorOpen(3)).toBe(false);
    expect(itemPresent(4)).toBe(false);
    expect(scans).toEqual([]);
    expect(refusals.map((r) => r.details['host'])).toContain(host);
    expect(refusals[0]?.message).toMatch(/Host/);
  });

  it('refuses a loopback name on another port, a look-alike name and a missing Host', async () => {
    for (const host of [
      `localhost:${Number(port) + 1}`,
      'localhost',
      `127.0.0.2:${port}`,
      `localhost.attacker.example:${port}`,
      `127.0.0.1:${port}.attacker.example`,
    ])
      expect((await rawCall(server, 'GET', '/state', { host })).status, host).toBe(421);
    // Without a Host, Node's HTTP server refuses an HTTP/1.1 request itself (400).
    expect([400, 421]).toContain((await rawCall(server, 'GET', '/state', { host: '' })).status);
  });

  it('refuses a cross-site page posting to 127.0.0.1, even as a simple text/plain request', async () => {
    // No rebinding needed: a page anywhere may POST a "simple" request to 127.0.0.1 without a
    // CORS preflight; it cannot read the answer, but the door would open all the same.
    const host = `127.0.0.1:${port}`;
    const body = '{"board":0,"lock":5}';
    for (const origin of ['https://attacker.example', 'null', `http://localhost:${port}`]) {
      const answer = await rawCall(
        server,
        'POST',
        '/doors/open',
        { host, origin, 'content-type': 'text/plain' },
        body,
      );
      expect(answer.status, origin).toBe(403);
      expect(JSON.parse(answer.body)).toMatchObject({ error: expect.stringMatching(/Origin/) });
    }
    expect(doorOpen(5)).toBe(false);
    expect(refusals.map((r) => r.details['origin'])).toContain('https://attacker.example');
  });

  it('serves its own loopback names, its own origin and clients that send no Origin', async () => {
    const json = { 'content-type': 'application/json' };
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LocalHost:${port}`])
      expect((await rawCall(server, 'GET', '/state', { host })).status, host).toBe(200);
    const own = await rawCall(
      server,
      'POST',
      '/doors/open',
      { host: `localhost:${port}`, origin: `http://localhost:${port}`, ...json },
      '{"board":0,"lock":6}',
    );
    expect(own.status).toBe(200);
    expect(doorOpen(6)).toBe(true);
    // fetch from Node (the dashboard proxy, simctl) sends no Origin.
    expect(
      (await call(server, 'POST', '/items', { board: 0, lock: 7, present: true })).status,
    ).toBe(200);
    expect(itemPresent(7)).toBe(true);
  });

  it('answers a request-target no URL parser takes with 400 and keeps serving', async () => {
    // Before, the route lookup threw outside its try: an unhandled rejection ends the process.
    const statusLine = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write(
          `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
        ),
      );
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
      socket.on('error', reject);
    });
    expect(statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect((await call(server, 'GET', '/state')).status).toBe(200);
  });

  it('listens on loopback only: it refuses to bind any other address', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const host of ['0.0.0.0', '::', '192.0.2.1'])
      await expect(startControlServer({ bus, host })).rejects.toThrow(/loopback/);
  });
});

describe('control server without a scanner, over an LCB24 bus', () => {
  let bus: SimulatedLockBus;
  let server: ControlServer;

  beforeAll(async () => {
    bus = await startSimulatedLockBus({ protocol: 'lcb24', boards: [1] });
    server = await startControlServer({ bus });
  });
  afterAll(async () => {
    await server.close();
    await bus.close();
  });

  it('answers 404 to a scan with a clear message', async () => {
    const { status, body } = await call(server, 'POST', '/scan', { text: 'X' });
    expect(status).toBe(404);
    expect(body.error).toMatch(/no scanner simulator/);
  });

  it('refuses item changes on boards without item sensors', async () => {
    const { status, body } = await call(server, 'POST', '/items', {
      board: 1,
      lock: 1,
      present: true,
    });
    expect(status).toBe(400);
    expect(body.error).toMatch(/no item sensors/);
    const state = await call(server, 'GET', '/state');
    expect(
      (state.body.boards as { locks: { itemPresent: unknown }[] }[])[0]?.locks[0]?.itemPresent,
    ).toBeNull();
  });
});
