/**
 * A failed broker connection in the status bar's words: a TLS refusal (the broker's certificate
 * is not vouched for by the configured CA, or the handshake failed) and a refused login are told
 * apart from a network failure, so an installer knows what to fix.
 */
import type { CloudErrorCode } from './linkStatus';

/** Node's codes for a certificate the CA does not vouch for, or that does not fit the host. */
const CERTIFICATE_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** MQTT 3.1.1 CONNACK refusals (mqtt.js reports them with the code). */
const REFUSED_LOGIN = new Set([2, 4, 5]);

export function classifyConnectError(
  e: Error & { code?: string | number },
): { code: CloudErrorCode; message: string } | null {
  const detail = `${String(e.code)}: ${e.message.split('\n')[0]!.trim()}`;
  if (typeof e.code === 'string' && CERTIFICATE_CODES.has(e.code))
    return {
      code: 'tls_refused',
      message: `TLS: the broker's certificate is not one the configured CA vouches for (${detail})`,
    };
  if (typeof e.code === 'string' && e.code.startsWith('ERR_SSL'))
    return {
      code: 'tls_refused',
      message: `TLS: the handshake with the broker failed (${detail})`,
    };
  if (typeof e.code === 'number' && REFUSED_LOGIN.has(e.code))
    return {
      code: 'not_authorized',
      message: `the broker refused this unit's login: ${e.message}`,
    };
  return null;
}
