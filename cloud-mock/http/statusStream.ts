/**
 * The locker's status stream for the dashboard and operators' apps (GET /api/v1/lockers/:id/stream):
 * Server-Sent Events of every status event of that locker, from the durable feed.
 */
import type { FastifyInstance } from 'fastify';
import { API } from '../../src/shared/rest/api';
import { checkApiKey } from '../services/apiKeys';
import { getLocker } from '../store/lockers';
import { lockerStatusEventsBetween } from '../store/statusEvents';
import type { CloudContext } from '../services/context';
import type { StatusFeed } from '../services/statusFeed';
import { endStreamsOnClose, resumeAfter, sendEventStream } from './eventStream';
import { parsePart } from './validation';

const PAGE = 200;

export function registerLockerStream(
  app: FastifyInstance,
  ctx: CloudContext,
  feed: StatusFeed,
  heartbeatMs: number,
): void {
  const endpoint = API.lockerStatusStream;
  endStreamsOnClose(app);
  app.route({
    method: endpoint.method,
    url: endpoint.path,
    config: { access: endpoint.access },
    handler: async (request, reply) => {
      const { id } = parsePart(endpoint.params, request.params, 'params');
      const query = parsePart(endpoint.query, request.query, 'query');
      if (!getLocker(ctx.db, id))
        return reply.status(404).send({ error: 'not_found', message: 'no such locker' });
      const after = resumeAfter(request, query.after, feed.durableId);
      sendEventStream(
        request,
        reply,
        feed,
        after,
        (from, upTo) => {
          const events = lockerStatusEventsBetween(ctx.db, id, from, upTo, PAGE);
          // A short page means nothing more of this locker up to the mark.
          return { events, scannedTo: events.length < PAGE ? upTo : events.at(-1)!.id };
        },
        heartbeatMs,
        // A key revoked while it reads: the stream ends, and its reconnect gets the 401.
        () => {
          const key = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
          const checked = checkApiKey(ctx.db, key);
          return checked.ok && endpoint.access.includes(checked.value.role);
        },
      );
    },
  });
}
