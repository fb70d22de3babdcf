/**
 * API-key authentication for the REST API: each route declares who may call it (the roles of
 * the endpoint table, or public), a request carries `Authorization: Bearer <key>`, and one
 * that carries no live key of an allowed role is refused before its body is even parsed.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Endpoint } from '../../src/shared/rest/api';
import { API_ROLES, type ApiRole } from '../../src/shared/rest/apiKeys';
import { checkApiKey, type ApiKeyRecord, type KeyRefusal } from '../services/apiKeys';
import type { Db } from '../store/database';

/** The endpoint table's roles, its keyless enrolment, or `public` (the page shell, the docs). */
export type RouteAccess = Endpoint['access'] | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** The key that authenticated the request; null on a keyless route. */
    apiKey: ApiKeyRecord | null;
  }
}

const BEARER = /^Bearer +(\S+) *$/i;

/** A route with no `access` in its config is a bug: refuse to start rather than serve it open. */
export function requireDeclaredAccess(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (!route.config?.access)
      throw new Error(`route ${String(route.method)} ${route.url} declares no access`);
  });
}

export function registerAuth(app: FastifyInstance, db: Db, log: Logger): void {
  app.decorateRequest('apiKey', null);
  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config.access;
    if (access === 'public' || access === 'enrollment_token') return;
    // An unknown path answers 404 only to a key holder: the API's map is not public either.
    const roles: readonly ApiRole[] = request.is404 ? API_ROLES : (access ?? ['operator']);
    const header = request.headers.authorization;
    if (header === undefined) return unauthorized(request, reply, log, 'missing');
    const presented = BEARER.exec(header)?.[1];
    if (!presented) return unauthorized(request, reply, log, 'malformed');
    const checked = checkApiKey(db, presented);
    if (!checked.ok) return unauthorized(request, reply, log, checked.error);
    const key = checked.value;
    if (!roles.includes(key.role)) {
      log.warn(
        { ...where(request), keyId: key.id, role: key.role, allowed: roles },
        'request refused: the key may not call this',
      );
      return reply.status(403).send({
        error: 'forbidden',
        message: `a ${key.role} key may not call this (roles: ${roles.join(', ')})`,
      });
    }
    request.apiKey = key;
  });
  // Who did what: writes at info, reads (the dashboard polls) at debug. Never a header or body.
  app.addHook('onResponse', async (request, reply) => {
    const entry = {
      ...where(request),
      status: reply.statusCode,
      keyId: request.apiKey?.id ?? null,
      role: request.apiKey?.role ?? null,
      ms: Math.round(reply.elapsedTime),
    };
    if (request.method === 'GET' || request.method === 'HEAD') log.debug(entry, 'request');
    else log.info(entry, 'request');
  });
}

/** The route pattern, not the URL: a query string may carry a phone number or an e-mail. */
const where = (request: FastifyRequest) => ({
  method: request.method,
  route: request.routeOptions.url ?? request.url.split('?')[0]!.slice(0, 200),
});

function unauthorized(
  request: FastifyRequest,
  reply: FastifyReply,
  log: Logger,
  reason: 'missing' | KeyRefusal,
) {
  log.warn({ ...where(request), reason }, 'request refused: no valid API key');
  const challenge =
    reason === 'missing'
      ? 'Bearer realm="cloud-mock"'
      : 'Bearer realm="cloud-mock", error="invalid_token"';
  return reply
    .status(401)
    .header('www-authenticate', challenge)
    .send({
      error: 'unauthorized',
      message:
        reason === 'missing'
          ? 'send an API key: Authorization: Bearer <key> (npm run cloud -- keys create)'
          : 'the API key is not accepted (unknown, revoked or malformed)',
    });
}
