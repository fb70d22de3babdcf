/**
 * The web shell: serves the built renderer and bridges the IPC handler table over WebSocket,
 * for development and for end-to-end tests in Chromium (DESIGN §1). Loopback only: it binds
 * 127.0.0.1 and nothing else, refuses a foreign Host (DNS rebinding) with 421 and a WebSocket from
 * any page but its own, and wants a random per-run token on the page URL and on the WebSocket
 * upgrade. Off in packaged builds unless explicitly allowed.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { isChannel } from '../../shared/ipc/contract';
import { isOwnOrigin, isServedHost, servedHosts } from '../../shared/node/servedHosts';
import {
  requestFrameSchema,
  WS_PATH,
  type PushFrame,
  type ResponseFrame,
} from '../../shared/ipc/wire';
import type { HandlerTable } from '../ipc/handlers';
import type { PushHub } from '../ipc/pushHub';

export interface WebShellOptions {
  handlers: HandlerTable;
  push: PushHub;
  /** The built renderer (`npm run build` writes dist/renderer). */
  rendererDir: string;
  /** Only 127.0.0.1 is accepted; anything else is refused. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Fixed token (tests); a random one per run otherwise. */
  token?: string;
  /** A packaged build refuses to start the web shell unless `allowWhenPackaged`. */
  packaged?: boolean;
  allowWhenPackaged?: boolean;
  log?: Logger;
}

export interface WebShell {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** The page to open, token included. */
  pageUrl: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

export const WEB_SHELL_HOST = '127.0.0.1';
const COOKIE = 'kiosk_token';
const MAX_FRAME_BYTES = 64 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export async function startWebShell(options: WebShellOptions): Promise<WebShell> {
  const host = options.host ?? WEB_SHELL_HOST;
  if (host !== WEB_SHELL_HOST)
    throw new Error(`the web shell binds ${WEB_SHELL_HOST} only, not ${host}`);
  if (options.packaged && !options.allowWhenPackaged)
    throw new Error('the web shell is off in packaged builds unless configured');
  const token = options.token ?? randomBytes(24).toString('base64url');
  const root = resolve(options.rendererDir);
  let port = 0;

  const sameToken = (candidate: string | null | undefined): boolean => {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  };
  let served = new Set<string>();
  const hostOk = (req: IncomingMessage) => isServedHost(served, req.headers.host);
  // The renderer opens its socket on its own page's host, so a browser sends exactly that
  // origin; a page on any other origin (another site, the other loopback name) is refused. A
  // client that sends no Origin is not a browser page and is refused too: nothing needs it.
  const originOk = (req: IncomingMessage) => isOwnOrigin(req.headers.origin, req.headers.host!);
  /** Logs why a request was refused; the token never appears in the log. */
  const refused = (req: IncomingMessage, why: string) =>
    options.log?.warn(
      {
        host: req.headers.host?.slice(0, 200) ?? null,
        origin: req.headers.origin?.slice(0, 200) ?? null,
        method: req.method,
        // Without the query: the page URL carries the token.
        path: (req.url ?? '').split('?')[0]!.slice(0, 200),
      },
      `web shell request refused: ${why}`,
    );
  const BAD_HOST = 'its Host is not one this web shell serves (DNS rebinding?)';
  const BAD_TARGET = 'its request target is not a valid URL';
  /** The request's URL, or null for a target no URL parser takes (never a browser's). */
  const urlOf = (req: IncomingMessage): URL | null => {
    try {
      return new URL(req.url ?? '/', `http://${WEB_SHELL_HOST}:${port}`);
    } catch {
      return null;
    }
  };
  const cookieToken = (req: IncomingMessage) =>
    (req.headers.cookie ?? '')
      .split(';')
      .map((c) => c.trim().split('='))
      .find(([k]) => k === COOKIE)?.[1];

  const csp = () =>
    [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      `connect-src ws://127.0.0.1:${port} ws://localhost:${port}`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; ');

  const send = (res: ServerResponse, status: number, body: string | Buffer, type: string) => {
    res.writeHead(status, {
      'content-type': type,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': csp(),
    });
    res.end(body);
  };

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    if (!hostOk(req)) {
      refused(req, BAD_HOST);
      return send(res, 421, 'this web shell does not serve that Host', 'text/plain');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'method not allowed', 'text/plain');
    const url = urlOf(req);
    if (url === null) {
      refused(req, BAD_TARGET);
      return send(res, 400, 'bad request target', 'text/plain');
    }
    const isPage = url.pathname === '/' || url.pathname === '/index.html';
    const authorised = isPage
      ? sameToken(url.searchParams.get('token'))
      : sameToken(cookieToken(req)) || sameToken(url.searchParams.get('token'));
    if (!authorised) {
      refused(req, 'no valid token');
      return send(res, 403, 'a valid token is required', 'text/plain');
    }
    const wanted = isPage ? 'index.html' : decodedPath(url.pathname.slice(1));
    if (wanted === null) {
      refused(req, BAD_TARGET);
      return send(res, 400, 'bad request target', 'text/plain');
    }
    const relative = normalize(wanted);
    const file = join(root, relative);
    if (relative.startsWith('..') || !file.startsWith(root + sep))
      return send(res, 404, 'not found', 'text/plain');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return send(
        res,
        404,
        isPage ? 'renderer not built: run npm run build' : 'not found',
        'text/plain',
      );
    }
    if (isPage)
      res.setHeader('set-cookie', `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    send(res, 200, body, TYPES[extname(file)] ?? 'application/octet-stream');
  };

  const server = createServer((req, res) => {
    serve(req, res).catch((e: unknown) => {
      options.log?.error({ err: e }, 'web shell request failed');
      if (!res.headersSent) send(res, 500, 'error', 'text/plain');
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const refuse = (req: IncomingMessage, socket: Duplex, status: string, why: string) => {
    refused(req, `WebSocket upgrade: ${why}`);
    socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  };
  server.on('upgrade', (req, socket, head) => {
    if (!hostOk(req)) return refuse(req, socket, '421 Misdirected Request', BAD_HOST);
    // A throw here would leave this event handler and end the process: errors are values.
    const url = urlOf(req);
    if (url === null) return refuse(req, socket, '400 Bad Request', BAD_TARGET);
    if (url.pathname !== WS_PATH) return refuse(req, socket, '404 Not Found', 'no such path');
    if (!originOk(req))
      return refuse(req, socket, '403 Forbidden', "its Origin is not this web shell's page");
    if (!sameToken(url.searchParams.get('token')))
      return refuse(req, socket, '403 Forbidden', 'no valid token');
    wss.handleUpgrade(req, socket, head, (ws) => bridge(ws));
  });

  const bridge = (ws: WebSocket) => {
    const unsubscribe = options.push.subscribe((event, payload) => {
      const frame: PushFrame = { type: 'push', event, payload };
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    });
    ws.on('close', unsubscribe);
    ws.on('message', (data, isBinary) => {
      void answer(isBinary ? null : data.toString()).then((frame) => {
        if (frame && ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
      });
    });
  };

  const answer = async (text: string | null): Promise<ResponseFrame | null> => {
    let raw: unknown;
    try {
      raw = text === null ? null : JSON.parse(text);
    } catch {
      return null;
    }
    const frame = requestFrameSchema.safeParse(raw);
    if (!frame.success) return null; // without an id there is nobody to answer
    const { id, channel, input } = frame.data;
    if (!isChannel(channel))
      return { type: 'response', id, result: { ok: false, error: { reason: 'unknown_channel' } } };
    const result = await options.handlers[channel](input);
    return { type: 'response', id, result: result as ResponseFrame['result'] };
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, WEB_SHELL_HOST, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  served = servedHosts({ listenHost: WEB_SHELL_HOST }, port);
  const origin = `http://${WEB_SHELL_HOST}:${port}`;
  return {
    origin,
    pageUrl: `${origin}/?token=${token}`,
    token,
    port,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A percent-encoded path decoded, or null when it is not valid percent-encoding. */
function decodedPath(encoded: string): string | null {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null;
  }
}
