/**
 * The Host check: a request whose Host header names no host this cloud serves is refused with
 * 421 before any route runs, so a web page that rebinds its own domain name to 127.0.0.1 (DNS
 * rebinding) reaches nothing, not even the public pages.
 */
import { networkInterfaces } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

export interface HostCheckOptions {
  /** The address the HTTP server listens on (`--host`). */
  listenHost: string;
  /** Names the cloud is reached by besides its own addresses (`--public-host`). */
  publicHosts: readonly string[];
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);
const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

/** `::1` → `[::1]`, as an IPv6 address is written in a Host header. */
const asHostName = (address: string): string =>
  address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;

const hasPort = (host: string): boolean => /:\d+$/.test(host) && !/^[^[]*:.*:/.test(host);

/** Every Host header value this cloud answers to on `port`, lower-case. */
export function servedHosts(options: HostCheckOptions, port: number): Set<string> {
  const served = new Set<string>();
  const withPort = (name: string) => {
    served.add(`${name}:${port}`.toLowerCase());
    // Browsers leave the port out when it is the scheme's default.
    if (port === 80) served.add(name.toLowerCase());
  };
  const listen = options.listenHost;
  const addresses = WILDCARDS.has(listen)
    ? Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address))
    : [listen];
  for (const name of [...LOOPBACK, ...addresses.map(asHostName)]) withPort(name);
  for (const name of options.publicHosts) {
    if (hasPort(name)) {
      served.add(name.toLowerCase());
    } else {
      // Behind a reverse proxy on the scheme's port the Host carries no port at all.
      served.add(asHostName(name).toLowerCase());
      withPort(asHostName(name));
    }
  }
  return served;
}

export function registerHostCheck(
  app: FastifyInstance,
  options: HostCheckOptions,
  log: Logger,
): void {
  let cached: { port: number; hosts: Set<string> } | null = null;
  const served = (): Set<string> => {
    const address = app.server.address();
    const port = address && typeof address === 'object' ? address.port : 0;
    if (cached?.port !== port) cached = { port, hosts: servedHosts(options, port) };
    return cached.hosts;
  };
  app.addHook('onRequest', async (request, reply) => {
    const host = request.headers.host?.toLowerCase();
    if (host !== undefined && served().has(host)) return;
    log.warn(
      { host: host?.slice(0, 200) ?? null, method: request.method },
      'request refused: its Host is not one this cloud serves',
    );
    return reply.status(421).send({
      error: 'bad_host',
      message: 'this cloud does not serve that Host; add it with --public-host if it should',
    });
  });
}
