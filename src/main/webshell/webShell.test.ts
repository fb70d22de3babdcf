import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startFixture } from '../services/testSupport/kioskFixture';
import { createHandlerTable } from '../ipc/handlers';
import { HardwareMonitor } from '../ipc/hardwareMonitor';
import { notConnected } from '../ipc/linkStatus';
import { PushHub } from '../ipc/pushHub';
import { Session } from '../ipc/session';
import { startWebShell, type WebShell } from './webShell';

const rendererDir = mkdtempSync(join(tmpdir(), 'renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>kiosk</title>');

const open: WebShell[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

/** Log records the shell writes, to see that each refusal says why. */
function recordingLog() {
  const records: Record<string, unknown>[] = [];
  const log = pino(
    { level: 'warn' },
    { write: (line: string) => void records.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { log, records };
}

async function shell(log = pino({ level: 'silent' })) {
  const f = await startFixture();
  const push = new PushHub();
  const handlers = createHandlerTable({
    core: f.core,
    db: f.db,
    lockerId: f.config.lockerId,
    session: new Session(),
    link: notConnected,
    hardware: new HardwareMonitor(f.board, null),
    simulated: true,
    log: pino({ level: 'silent' }),
  });
  const s = await startWebShell({ handlers, push, rendererDir, token: 'secret-token-123', log });
  open.push(s);
  return { s, push };
}

/** Resolves with the upgrade's HTTP status (101 when accepted). */
function upgrade(url: string, origin?: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
}

/** A real GET on the shell's socket with the Host a browser would send (rebinding: its own name). */
function getWithHost(
  s: WebShell,
  path: string,
  host: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: s.port, path, setHost: false, headers: { host } },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The upgrade's status for a WebSocket to 127.0.0.1 sent with a chosen Host and Origin. */
function upgradeWithHost(s: WebShell, host: string, origin?: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/ipc?token=${s.token}`, {
      headers: { host },
      ...(origin ? { origin } : {}),
    });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
}

/** The status line the shell answers to raw request bytes (what no browser would send). */
function rawStatusLine(s: WebShell, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(s.port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
    socket.on('error', reject);
  });
}

describe('the web shell against DNS rebinding', () => {
  it('refuses a rebound Host with 421 on the page and the WebSocket, token or not, and logs why', async () => {
    const { log, records } = recordingLog();
    const { s } = await shell(log);
    // The attacker's page at rebind.attacker.example, its name now resolving to 127.0.0.1; even
    // holding the token (a leaked page URL), it reaches nothing.
    const host = `rebind.attacker.example:${s.port}`;
    for (const path of ['/', `/?token=${s.token}`, '/index.html', '/app.js']) {
      const answer = await getWithHost(s, path, host);
      expect(answer.status, path).toBe(421);
      expect(answer.body).not.toContain('<title>kiosk</title>');
    }
    expect(await upgradeWithHost(s, host, `http://${host}`)).toBe(421);
    expect(await upgradeWithHost(s, host)).toBe(421);
    const refused = records.filter((r) => String(r['msg']).includes('Host'));
    expect(refused.map((r) => r['host'])).toContain(host);
  });

  it('refuses loopback names on another port and look-alike names', async () => {
    const { s } = await shell();
    for (const host of [
      `localhost:${s.port + 1}`,
      'localhost',
      `127.0.0.2:${s.port}`,
      `localhost.attacker.example:${s.port}`,
    ]) {
      expect((await getWithHost(s, `/?token=${s.token}`, host)).status, host).toBe(421);
      expect(await upgradeWithHost(s, host, `http://${host}`), host).toBe(421);
    }
  });

  it("accepts its loopback names, and on the WebSocket only the page's own origin", async () => {
    const { log, records } = recordingLog();
    const { s } = await shell(log);
    for (const name of ['127.0.0.1', 'localhost', 'LOCALHOST']) {
      const host = `${name}:${s.port}`;
      expect((await getWithHost(s, `/?token=${s.token}`, host)).status, host).toBe(200);
      expect(await upgradeWithHost(s, host, `http://${host}`), host).toBe(101);
    }
    // A page on the other loopback name, or a cross-site page, is not this page's origin.
    const host = `127.0.0.1:${s.port}`;
    for (const origin of [`http://localhost:${s.port}`, 'https://attacker.example', 'null'])
      expect(await upgradeWithHost(s, host, origin), origin).toBe(403);
    expect(records.map((r) => r['origin'])).toContain('https://attacker.example');
  });
});

describe('the web shell against malformed requests', () => {
  it('answers a request-target no URL parser takes with 400 and keeps serving', async () => {
    const { log, records } = recordingLog();
    const { s } = await shell(log);
    const host = `Host: 127.0.0.1:${s.port}`;
    const upgrade = [
      'Connection: Upgrade',
      'Upgrade: websocket',
      `Origin: ${s.origin}`,
      'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    ].join('\r\n');
    // Before, the upgrade threw out of its event handler: one request ended the kiosk process.
    expect(await rawStatusLine(s, `GET http://[ HTTP/1.1\r\n${host}\r\n${upgrade}\r\n\r\n`)).toBe(
      'HTTP/1.1 400 Bad Request',
    );
    expect(
      await rawStatusLine(s, `GET http://[ HTTP/1.1\r\n${host}\r\nConnection: close\r\n\r\n`),
    ).toBe('HTTP/1.1 400 Bad Request');
    // A path that is not percent-encoding is the client's mistake, not the shell's.
    expect((await fetch(`${s.origin}/%zz.js?token=${s.token}`)).status).toBe(400);
    expect((await fetch(s.pageUrl)).status).toBe(200);
    expect(await upgradeWithHost(s, `127.0.0.1:${s.port}`, s.origin)).toBe(101);
    expect(records.filter((r) => String(r['msg']).includes('request target'))).toHaveLength(3);
    expect(records.filter((r) => r['level'] === 50)).toEqual([]);
  });
});

describe('the web shell', () => {
  it('binds 127.0.0.1 only and refuses any other host', async () => {
    const { s } = await shell();
    expect(s.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(
      startWebShell({
        handlers: {} as never,
        push: new PushHub(),
        rendererDir,
        host: '0.0.0.0',
      }),
    ).rejects.toThrow(/127\.0\.0\.1 only/);
  });

  it('is off in packaged builds unless allowed', async () => {
    await expect(
      startWebShell({ handlers: {} as never, push: new PushHub(), rendererDir, packaged: true }),
    ).rejects.toThrow(/packaged/);
  });

  it('serves the page only with the token', async () => {
    const { s } = await shell();
    expect((await fetch(`${s.origin}/`)).status).toBe(403);
    expect((await fetch(`${s.origin}/?token=wrong`)).status).toBe(403);
    const page = await fetch(s.pageUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<title>kiosk</title>');
  });

  it('refuses a WebSocket upgrade with a missing or wrong token or a foreign Origin', async () => {
    const { s } = await shell();
    const ws = `ws://127.0.0.1:${s.port}/ipc`;
    expect(await upgrade(`${ws}`, s.origin)).toBe(403);
    expect(await upgrade(`${ws}?token=nope`, s.origin)).toBe(403);
    expect(await upgrade(`${ws}?token=${s.token}`, 'http://evil.example')).toBe(403);
    expect(await upgrade(`${ws}?token=${s.token}`, 'http://127.0.0.1:1')).toBe(403);
    expect(await upgrade(`${ws}?token=${s.token}`)).toBe(403);
    expect(await upgrade(`${ws}?token=${s.token}`, s.origin)).toBe(101);
  });

  it('bridges calls to the handler table and pushes events', async () => {
    const { s, push } = await shell();
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/ipc?token=${s.token}`, { origin: s.origin });
    const frames: unknown[] = [];
    const next = () =>
      new Promise<Record<string, unknown>>((resolve) =>
        ws.once('message', (d) => resolve(JSON.parse(String(d)) as Record<string, unknown>)),
      );
    await new Promise((r) => ws.once('open', r));
    ws.send(
      JSON.stringify({
        type: 'request',
        id: 7,
        channel: 'pickup:code',
        input: { code: '000000', method: 'code' },
      }),
    );
    frames.push(await next());
    ws.send(JSON.stringify({ type: 'request', id: 8, channel: 'pickup:code', input: { code: 5 } }));
    frames.push(await next());
    ws.send(JSON.stringify({ type: 'request', id: 9, channel: 'shell:exec', input: {} }));
    frames.push(await next());
    const pushed = next();
    push.emit('scan:received', { text: 'LKP1:123456', symbology: 'qr-code' });
    frames.push(await pushed);
    ws.close();
    expect(frames[0]).toEqual({
      type: 'response',
      id: 7,
      result: { ok: false, error: { reason: 'code_invalid' } },
    });
    expect(frames[1]).toMatchObject({
      id: 8,
      result: { ok: false, error: { reason: 'invalid_input' } },
    });
    expect(frames[2]).toMatchObject({
      id: 9,
      result: { ok: false, error: { reason: 'unknown_channel' } },
    });
    expect(frames[3]).toEqual({
      type: 'push',
      event: 'scan:received',
      payload: { text: 'LKP1:123456', symbology: 'qr-code' },
    });
  });
});
