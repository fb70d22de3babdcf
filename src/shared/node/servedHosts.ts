/**
 * The DNS-rebinding defence's rule, shared by the cloud's REST API and the kiosk's web shell: the
 * Host header values a server answers to, and whether a browser's Origin is the page's own.
 */
import { networkInterfaces } from 'node:os';

export interface ServedHostsOptions {
  /** The address the server listens on. */
  listenHost: string;
  /** Names it is reached by besides its own addresses; `name` or `name:port`. */
  publicHosts?: readonly string[];
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);
const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

/** This machine's interface addresses: what a server on a wildcard address is reached by. */
export const localInterfaceAddresses = (): string[] =>
  Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));

/** `::1` → `[::1]`, as an IPv6 address is written in a Host header. */
const asHostName = (address: string): string =>
  address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;

/** A Host header as RFC 9110 has it: a name or address, then an optional port, nothing else. */
const HOST_HEADER = /^([a-z0-9.-]+|\[[0-9a-f:.]+\])(:\d{1,5})?$/i;

const hasPort = (host: string): boolean => /:\d+$/.test(host) && !/^[^[]*:.*:/.test(host);

/** Every Host header value a server on `listenHost:port` answers to, lower-case. */
export function servedHosts(
  options: ServedHostsOptions,
  port: number,
  interfaceAddresses: () => readonly string[] = localInterfaceAddresses,
): Set<string> {
  const served = new Set<string>();
  const withPort = (name: string) => {
    served.add(`${name}:${port}`.toLowerCase());
    // Browsers leave the port out when it is the scheme's default.
    if (port === 80) served.add(name.toLowerCase());
  };
  const listen = options.listenHost;
  const addresses = WILDCARDS.has(listen) ? interfaceAddresses() : [listen];
  for (const name of [...LOOPBACK, ...addresses.map(asHostName)]) withPort(name);
  for (const name of options.publicHosts ?? []) {
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

/** True when a request's Host header (absent, or any case) names one of the served hosts. */
export function isServedHost(served: ReadonlySet<string>, host: string | undefined): boolean {
  return host !== undefined && served.has(host.toLowerCase());
}

/**
 * True when `origin` is exactly the origin of a page fetched from `host` over `scheme`: what a
 * browser sends from the server's own page, and never from another site's.
 */
export function isOwnOrigin(
  origin: string | undefined,
  host: string,
  scheme: 'http' | 'https' = 'http',
): boolean {
  if (origin === undefined || !HOST_HEADER.test(host)) return false;
  let page: URL;
  let from: URL;
  try {
    page = new URL(`${scheme}://${host}`);
    from = new URL(origin);
  } catch {
    return false; // "null" (a sandboxed or file page) and anything unparsable
  }
  // An Origin is scheme://host[:port] and nothing else: compare canonical forms, and refuse one
  // that carries anything more (a path, credentials, a default port written out).
  return origin.toLowerCase() === from.origin && from.origin === page.origin;
}
