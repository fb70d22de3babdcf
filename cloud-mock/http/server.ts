/**
 * The REST API over fastify: a request passes the Host check and then its route's API-key
 * check; each endpoint of the shared table gets its params, query and body parsed with the
 * table's zod schemas (field-level 400s), and a service's refusal becomes its status with
 * `{ error, message }`. Also serves /openapi.json and the dashboard.
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { z } from 'zod';
import { ok, type Result } from '../../src/shared/result';
import { returnReference } from '../../src/shared/returnReference';
import { API, type Endpoint } from '../../src/shared/rest/api';
import { buildOpenApi } from '../../src/shared/rest/openapi';
import { enrollLocker, lockerDetail, provisionLocker } from '../services/lockers';
import { searchLockers } from '../services/search';
import { acknowledge, lockerAlerts } from '../services/alerts';
import { lockerAudit, reconcile } from '../services/audit';
import { issueBadge, revokeBadgeEverywhere } from '../services/badges';
import { cancelReturn, createReturn } from '../services/returns';
import { openRemote } from '../services/remoteOpen';
import { allocationDetail, returnDetail } from '../services/views';
import { setLockerPolicy } from '../services/lockerPolicy';
import type { Allocations } from '../services/allocations';
import type { Commands } from '../services/commands';
import type { CloudContext } from '../services/context';
import type { Refusal } from '../services/refusal';
import { listNotifications } from '../store/notifications';
import type { ApiKeyRecord } from '../store/apiKeys';
import type { LiveStatus } from '../services/liveStatus';
import {
  listWebhooks,
  registerWebhook,
  removeWebhook,
  webhookDeliveries,
} from '../services/webhooks';
import { mayActOn, notYours } from '../services/ownership';
import { registerStatusPage } from './statusPage';
import { registerLockerStream } from './statusStream';
import { registerAuth, requireDeclaredAccess } from './auth';
import { registerDashboard } from './dashboard';
import { registerHostCheck } from './hostCheck';
import { InvalidRequest, parsePart } from './validation';
import { illFormedTextAt } from '../../src/shared/wellFormedText';

export interface HttpDeps {
  ctx: CloudContext;
  commands: Commands;
  allocations: Allocations;
  /** The status feed, the customer status page's tokens and the code resend. */
  live: LiveStatus;
  /** Simulator control API base URL; enables the dashboard's hardware controls. */
  simulatorUrl?: string;
  /** The address the server listens on; with its port, a Host the cloud answers to. */
  listenHost: string;
  /** Further Host names the cloud answers to (`--public-host`). */
  publicHosts?: readonly string[];
}

const BODY_LIMIT = 256 * 1024;

type Parsed<E extends Endpoint> = {
  /** The key that authenticated the call (null on a keyless route). */
  caller: ApiKeyRecord | null;
  params: E['params'] extends z.ZodType ? z.output<E['params']> : undefined;
  query: E['query'] extends z.ZodType ? z.output<E['query']> : undefined;
  body: E['body'] extends z.ZodType ? z.output<E['body']> : undefined;
};

type Outcome = { status: number; body: unknown } | Result<unknown, Refusal>;

export function buildHttp(deps: HttpDeps): FastifyInstance {
  const { ctx, commands, allocations, live } = deps;
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT });
  // Before anything else: a foreign Host reaches no route, a keyless call no handler.
  registerHostCheck(
    app,
    { listenHost: deps.listenHost, publicHosts: deps.publicHosts ?? [] },
    ctx.log,
  );
  requireDeclaredAccess(app);
  registerAuth(app, ctx.db, ctx.log);

  // An empty body is "no body" (POST …/cancel needs none), not a JSON syntax error.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, text, done) => {
    const raw = String(text);
    if (raw.trim() === '') return done(null, undefined);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return done(new InvalidRequest([{ path: 'body', message: 'the body is not valid JSON' }]));
    }
    // Text no signed command or event could carry is refused here, before anything acts on it.
    const bad = illFormedTextAt(body);
    if (bad !== undefined) {
      const path = ['body', ...bad].join('.');
      return done(
        new InvalidRequest([{ path, message: 'text with a lone surrogate is not valid Unicode' }]),
      );
    }
    done(null, body);
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error instanceof InvalidRequest) return reply.status(400).send(error.body);
    const status = error.statusCode ?? 500;
    if (status === 413 || status === 415 || (status >= 400 && status < 500))
      return reply.status(status === 415 ? 400 : status).send({
        error: 'invalid_request',
        problems: [{ path: 'body', message: error.message }],
      });
    ctx.log.error({ err: error, path: request.url.split('?')[0] }, 'request failed');
    return reply.status(500).send({ error: 'internal', message: 'the cloud failed; see its log' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send({ error: 'not_found', message: `no route ${request.method} ${request.url}` }),
  );

  function route<E extends Endpoint>(
    endpoint: E,
    successStatus: number,
    handler: (input: Parsed<E>) => Outcome | Promise<Outcome>,
  ): void {
    app.route({
      method: endpoint.method,
      url: endpoint.path,
      config: { access: endpoint.access },
      handler: async (request, reply: FastifyReply) => {
        const problems: InvalidRequest['problems'] = [];
        const part = <S extends z.ZodType | undefined>(
          schema: S,
          value: unknown,
          where: 'body' | 'query' | 'params',
        ) => {
          if (!schema) return undefined;
          try {
            return parsePart(schema, value, where);
          } catch (e) {
            if (!(e instanceof InvalidRequest)) throw e;
            problems.push(...e.problems);
            return undefined;
          }
        };
        const input = {
          caller: request.apiKey,
          params: part(endpoint.params, request.params, 'params'),
          query: part(endpoint.query, request.query, 'query'),
          body: part(endpoint.body, request.body, 'body'),
        } as Parsed<E>;
        if (problems.length > 0) throw new InvalidRequest(problems);
        const outcome = await handler(input);
        if ('status' in outcome) return reply.status(outcome.status).send(outcome.body);
        if (outcome.ok) return reply.status(successStatus).send(outcome.value);
        const { status, error, message } = outcome.error;
        return reply.status(status).send({ error, message });
      },
    });
  }

  const value = (body: unknown) => ({ status: 200, body });

  route(API.provisionLocker, 201, ({ body }) => provisionLocker(ctx, commands, body));
  route(API.enrollLocker, 200, ({ params, body }) => enrollLocker(ctx, params.id, body));
  route(API.searchLockers, 200, ({ query }) => value({ lockers: searchLockers(ctx, query) }));
  route(API.getLocker, 200, ({ params }) => lockerDetail(ctx, params.id));
  route(API.getAudit, 200, ({ params }) => lockerAudit(ctx, params.id));
  route(API.getReconciliation, 200, ({ params }) => reconcile(ctx, params.id));
  route(API.openRemote, 202, ({ params, body }) => openRemote(ctx, commands, params.id, body));
  route(API.setLockerPolicy, 200, ({ params, body }) =>
    setLockerPolicy(ctx, commands, params.id, body),
  );
  route(API.createAllocation, 201, async ({ body, caller }) => {
    const allocated = await allocations.allocate(body, caller);
    return allocated.ok
      ? ok({ ...allocated.value, statusUrl: live.statusUrl(allocated.value.allocationId) })
      : allocated;
  });
  route(API.resendCode, 200, ({ params, caller }) => live.resendCode(params.id, caller));
  // A merchant reads, cancels and extends only what its key allocated.
  route(API.getAllocation, 200, ({ params, caller }) =>
    mayActOn(ctx.db, caller, 'allocation', params.id)
      ? allocationDetail(ctx, params.id)
      : notYours('allocation'),
  );
  route(API.cancelAllocation, 200, ({ params, caller }) =>
    mayActOn(ctx.db, caller, 'allocation', params.id)
      ? allocations.cancel(params.id)
      : notYours('allocation'),
  );
  route(API.extendAllocation, 200, ({ params, body, caller }) =>
    mayActOn(ctx.db, caller, 'allocation', params.id)
      ? allocations.extend(params.id, body.days)
      : notYours('allocation'),
  );
  route(API.createReturn, 201, async ({ body, caller }) => {
    const created = await createReturn(ctx, commands, body, caller);
    // The reference the kiosk's receipt will show, so whoever created the return knows it too.
    return created.ok
      ? ok({ ...created.value, reference: returnReference(created.value.returnId) })
      : created;
  });
  route(API.getReturn, 200, ({ params, caller }) =>
    mayActOn(ctx.db, caller, 'return', params.id)
      ? returnDetail(ctx, params.id)
      : notYours('return'),
  );
  route(API.cancelReturn, 200, ({ params, caller }) =>
    mayActOn(ctx.db, caller, 'return', params.id)
      ? cancelReturn(ctx, commands, params.id)
      : notYours('return'),
  );
  route(API.issueBadge, 201, ({ body }) => issueBadge(ctx, body));
  route(API.revokeBadge, 200, ({ params }) => revokeBadgeEverywhere(ctx, commands, params.id));
  route(API.listNotifications, 200, ({ query }) =>
    value({ notifications: listNotifications(ctx.db, query) }),
  );
  // Each of these is the caller's own: `caller` is set on every keyed route.
  route(API.createWebhook, 201, ({ body, caller }) => registerWebhook(ctx, caller!, body));
  route(API.listWebhooks, 200, ({ caller }) => value(listWebhooks(ctx, caller!)));
  route(API.deleteWebhook, 200, ({ params, caller }) => removeWebhook(ctx, caller!, params.id));
  route(API.listWebhookDeliveries, 200, ({ params, query, caller }) =>
    webhookDeliveries(ctx, caller!, params.id, query.limit),
  );
  route(API.listAlerts, 200, ({ params, query }) => lockerAlerts(ctx, params.id, query));
  route(API.acknowledgeAlert, 200, ({ params, body }) =>
    acknowledge(ctx, params.id, params.alertId, body.by),
  );

  app.get('/openapi.json', { config: { access: 'public' } }, async () => buildOpenApi());
  registerLockerStream(app, ctx, live.feed, live.heartbeatMs);
  registerStatusPage(app, ctx, live);
  registerDashboard(app, deps.simulatorUrl ? { simulatorUrl: deps.simulatorUrl } : {});
  return app;
}
