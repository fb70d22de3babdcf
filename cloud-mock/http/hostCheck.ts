/**
 * The Host check: a request whose Host header names no host this cloud serves is refused with
 * 421 before any route runs, so a web page that rebinds its own domain name to 127.0.0.1 (DNS
 * rebinding) reaches nothing, not even the public pages.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { isServedHost, servedHosts } from '../../src/shared/node/servedHosts';

export interface HostCheckOptions {
  /** The address the HTTP server listens on (`--host`). */
  listenHost: string;
  /** Names the cloud is reached by besides its own addresses (`--public-host`). */
  publicHosts: readonly string[];
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
    if (isServedHost(served(), host)) return;
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
