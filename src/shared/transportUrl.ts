/**
 * Which cloud URLs the kiosk may use: encrypted ones (https for the REST API, mqtts or wss for
 * the broker) anywhere, plain ones (http, mqtt, ws) only to this machine (127.0.0.0/8, ::1,
 * localhost), where no one sits in between.
 */
import { err, ok, type Result } from './result';

export type TransportKind = 'api' | 'broker';

const SECURE: Record<TransportKind, readonly string[]> = {
  api: ['https:'],
  broker: ['mqtts:', 'wss:'],
};
const PLAIN: Record<TransportKind, readonly string[]> = {
  api: ['http:'],
  broker: ['mqtt:', 'ws:'],
};

const octet = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
/**
 * A plain URL must be spelled plainly: a loopback host right after `//`, then only a port and a
 * path. No userinfo, backslash or encoded host can make a URL parser (ours, or mqtt.js's legacy
 * url.parse) read another host than the one checked here.
 */
const PLAIN_LOOPBACK = new RegExp(
  `^[a-z]+://(localhost|127\\.${octet}\\.${octet}\\.${octet}|\\[::1\\])(:[0-9]{1,5})?([/?][^\\s\\\\@#]*)?$`,
  'i',
);

/** The URL if it may be used for `kind`; otherwise a sentence that names it and says why. */
export function checkTransportUrl(raw: string, kind: TransportKind): Result<URL, string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return err(`${raw} is not a URL`);
  }
  const secure = SECURE[kind];
  const plain = PLAIN[kind];
  const wanted = secure.map((s) => `${s}//`).join(' or ');
  if (secure.includes(url.protocol)) return ok(url);
  if (!plain.includes(url.protocol))
    return err(`${raw} is not a ${kind === 'api' ? 'cloud API' : 'broker'} URL: use ${wanted}`);
  if (PLAIN_LOOPBACK.test(raw)) return ok(url);
  return err(
    `${raw} is not encrypted: use ${wanted} (plain ${url.protocol}// is allowed only to this machine: 127.0.0.0/8, [::1], localhost)`,
  );
}
