/**
 * Broker URLs as the cloud uses and hands them out: credentials in a `--broker` URL are for the
 * cloud's own connection only, and the URL units are told to connect to never carries them and
 * never names an unspecified address (0.0.0.0, ::) that no unit could reach.
 */
import { err, ok, type Result } from '../../src/shared/result';
import type { BrokerCredentials } from './cloudIdentity';

const SCHEMES = ['mqtt:', 'mqtts:', 'ws:', 'wss:'];

/** Splits `url` into the address to connect to (no userinfo) and the credentials it carried. */
export function splitBrokerUrl(
  url: string,
): Result<{ url: string; credentials: BrokerCredentials | null }, string> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return err('expected a URL such as mqtts://host:8883');
  }
  if (!SCHEMES.includes(u.protocol))
    return err('expected an mqtt://, mqtts://, ws:// or wss:// URL');
  if (!u.hostname) return err('the URL names no host');
  const hasUser = u.username !== '';
  const hasPassword = u.password !== '';
  if (hasUser !== hasPassword)
    return err('credentials in the URL need both a username and a password (user:pass@host)');
  const credentials = hasUser
    ? { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) }
    : null;
  u.username = '';
  u.password = '';
  return ok({ url: u.toString(), credentials });
}

/** 0.0.0.0, ::, and their spellings: an address to listen on, never one to connect to. */
export function isUnspecifiedHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === '' || /^0+(\.0+){0,3}$/.test(h) || /^[0:]+$/.test(h);
}

/** Why `url` cannot be handed to units, or null when it can. */
export function advertisedUrlProblem(url: string): string | null {
  const split = splitBrokerUrl(url);
  if (!split.ok) return split.error;
  if (split.value.credentials) return 'the URL handed to units must not carry credentials';
  if (isUnspecifiedHost(new URL(url).hostname))
    return `${new URL(url).hostname} is where a broker listens, not an address units can connect to`;
  return null;
}
