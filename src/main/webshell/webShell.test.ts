import { mkdtempSync, writeFileSync } from 'node:fs';
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

async function shell() {
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
  const s = await startWebShell({ handlers, push, rendererDir, token: 'secret-token-123' });
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
