/**
 * Loopback HTTP control for the simulators (development, tests, the cloud-mock dashboard):
 * read the boards, shut or force doors, place items, inject faults, scan a code. JSON in and out;
 * bad input gets a 400 with a clear message and changes nothing. It binds loopback only and
 * answers no browser page but its own: a foreign Host (DNS rebinding) gets 421, a foreign
 * Origin (a cross-site page posting to 127.0.0.1) 403, before any route runs.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { SimResult } from './lockBusSimulator';
import { boardFaults } from './lockBusSimulator';
import type { SimulatedLockBus } from './simulatedLockBus';

/**
 * The scanner simulator as the control server uses it (implemented in scannerSim.ts). An
 * implementation may return `{ ok: false, error }` to refuse a scan; the route answers 409 then.
 */
export interface ScannerSim {
  scan(text: string, symbology?: string): void;
}

/** Where refusals are reported; a pino logger fits. Without one they go to stderr. */
export interface ControlServerLog {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface ControlServerOptions {
  bus: Pick<SimulatedLockBus, 'sim' | 'plugged' | 'unplug' | 'replug'>;
  scanner?: ScannerSim;
  /** 0 (default) picks a free port. */
  port?: number;
  /** A loopback address or `localhost` (default 127.0.0.1); anything else is refused. */
  host?: string;
  log?: ControlServerLog;
}

export interface ControlServer {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;
const lockAddress = { board: z.number().int().min(0).max(255), lock: z.number().int().min(1) };
const doorBody = z.strictObject(lockAddress);
const itemBody = z.strictObject({ ...lockAddress, present: z.boolean() });
/** Board faults, plus two that take the whole bus whichever board names them: the adapter's. */
const busFaults = ['echo', 'unplug'] as const;
const faultBody = z.strictObject({
  board: lockAddress.board,
  fault: z.enum([...boardFaults, ...busFaults]),
  on: z.boolean(),
});
const scanBody = z.strictObject({
  text: z.string().min(1).max(4096),
  symbology: z.string().min(1).max(16).optional(),
});

class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

// It opens doors for anyone who asks, so it is never bound where the network can ask.
const LOOPBACK_BINDS = new Set(['127.0.0.1', '::1', 'localhost']);
// hardware/ imports nothing from src/ (DESIGN §2), so not src/shared/node/servedHosts: a server
// bound to loopback is reached by these names only, with its port.
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

const stderrLog: ControlServerLog = {
  warn: (details, message) =>
    void process.stderr.write(`sim control: ${message} ${JSON.stringify(details)}\n`),
};

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const { bus, scanner } = options;
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_BINDS.has(host))
    throw new Error(`the simulator control server binds loopback only, not ${host}`);

  const state = () => ({
    protocol: bus.sim.protocol.name,
    plugged: bus.plugged,
    echo: bus.sim.echo,
    boards: bus.sim.boards().map((board) => ({
      ...board,
      faults: { ...board.faults, echo: bus.sim.echo, unplug: !bus.plugged },
    })),
  });

  const applied = (result: SimResult) => {
    if (!result.ok) throw new BadRequest(result.error);
    return { ok: true, state: state() };
  };

  const routes: Record<string, (body: unknown) => Promise<unknown> | unknown> = {
    'GET /state': () => state(),
    'POST /doors/close': (body) => {
      const { board, lock } = parse(doorBody, body);
      return applied(bus.sim.closeDoor(board, lock));
    },
    'POST /doors/open': (body) => {
      const { board, lock } = parse(doorBody, body);
      return applied(bus.sim.openDoor(board, lock));
    },
    'POST /items': (body) => {
      const { board, lock, present } = parse(itemBody, body);
      return applied(bus.sim.setItem(board, lock, present));
    },
    'POST /faults': async (body) => {
      const { board, fault, on } = parse(faultBody, body);
      if (fault !== 'echo' && fault !== 'unplug')
        return applied(bus.sim.setFault(board, fault, on));
      // The adapter carries the whole bus: "a board's" echo or unplug is every board's.
      if (!bus.sim.boards().some((b) => b.board === board)) {
        throw new BadRequest(`no board ${board} on this bus`);
      }
      if (fault === 'echo') bus.sim.echo = on;
      else await (on ? bus.unplug() : bus.replug());
      return { ok: true, state: state() };
    },
    'POST /scan': (body) => {
      if (scanner === undefined) {
        throw new BadRequest('no scanner simulator is attached to this control server', 404);
      }
      const { text, symbology } = parse(scanBody, body);
      // void by contract, but a Result-returning simulator may say why it refused.
      const outcome: unknown = scanner.scan(text, symbology);
      if (isRefusal(outcome)) {
        throw new BadRequest(`the scanner refused the scan: ${JSON.stringify(outcome.error)}`, 409);
      }
      return { ok: true };
    },
  };

  let served = new Set<string>();
  const log = options.log ?? stderrLog;
  const server = createServer((request, response) => {
    const refusal = browserRefusal(request, served);
    if (refusal === null) return void handle(request, response, routes);
    log.warn(
      {
        host: request.headers.host?.slice(0, 200) ?? null,
        origin: request.headers.origin?.slice(0, 200) ?? null,
        method: request.method,
        path: request.url?.slice(0, 200),
      },
      `request refused: ${refusal.error}`,
    );
    send(response, refusal.status, { error: refusal.error });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  served = new Set(LOOPBACK_NAMES.map((name) => `${name}:${address.port}`));
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Why a request must not reach the routes, or null: a Host this server is not (a page whose name
 * was rebound to 127.0.0.1), or an Origin other than its own (a page elsewhere posting to
 * 127.0.0.1, which needs no CORS preflight for a text/plain body). Clients that are not browser
 * pages (the dashboard's proxy, simctl, curl) send no Origin and pass.
 */
function browserRefusal(
  request: IncomingMessage,
  served: ReadonlySet<string>,
): { status: number; error: string } | null {
  const host = request.headers.host?.toLowerCase();
  if (host === undefined || !served.has(host))
    return { status: 421, error: 'this simulator control server does not serve that Host' };
  const origin = request.headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== `http://${host}`)
    return { status: 403, error: 'requests from another Origin are refused' };
  return null;
}

function isRefusal(outcome: unknown): outcome is { ok: false; error: unknown } {
  return (
    typeof outcome === 'object' && outcome !== null && (outcome as { ok?: unknown }).ok === false
  );
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : 'body';
    return `${where}: ${issue.message}`;
  });
  throw new BadRequest(`invalid request body: ${problems.join('; ')}`);
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  routes: Record<string, (body: unknown) => Promise<unknown> | unknown>,
): Promise<void> {
  try {
    const path = pathOf(request);
    const route = routes[`${request.method ?? 'GET'} ${path}`];
    if (route === undefined) {
      const known = Object.keys(routes).some((key) => key.endsWith(` ${path}`));
      throw new BadRequest(
        known ? `${request.method} is not allowed on ${path}` : `no such route: ${path}`,
        known ? 405 : 404,
      );
    }
    const body = request.method === 'POST' ? await readJson(request) : undefined;
    send(response, 200, await route(body));
  } catch (error) {
    if (error instanceof BadRequest) send(response, error.status, { error: error.message });
    else send(response, 500, { error: `simulator error: ${(error as Error).message}` });
  }
}

/** The request's path; a target no URL parser takes (never a browser's) is a bad request. */
function pathOf(request: IncomingMessage): string {
  try {
    return new URL(request.url ?? '/', 'http://localhost').pathname;
  } catch {
    throw new BadRequest('the request target is not a URL');
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      throw new BadRequest(`request body is larger than ${MAX_BODY_BYTES} bytes`, 413);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new BadRequest('request body is empty; send a JSON object');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BadRequest('request body is not valid JSON');
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(text);
}
