/**
 * A Server-Sent Events response over status events: what is durable after the reader's last id
 * first (its `Last-Event-ID`, so a reconnect resumes where it stopped), then each batch as the
 * durable mark moves (StatusFeed), a heartbeat comment in between so proxies and clients keep
 * the connection, and the listener gone when the reader goes. The server ends every open stream
 * as it closes: a reader that never leaves must not hold the cloud's shutdown.
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StatusEvent } from '../../src/shared/rest/statusEvents';
import type { StatusFeed } from '../services/statusFeed';
import { InvalidRequest } from './validation';

/** What a stream reads: the events to send with ids in (after, upTo], and how far it looked. */
export type StreamRead = (
  afterId: number,
  upToId: number,
) => { events: StatusEvent[]; scannedTo: number };

export const DEFAULT_HEARTBEAT_MS = 15_000;
/** Tells EventSource how soon to reconnect. */
const RETRY_MS = 2_000;

/** Where a reader resumes: its Last-Event-ID header, else `?after=`, else now. */
export function resumeAfter(
  request: FastifyRequest,
  after: number | undefined,
  now: number,
): number {
  const header = request.headers['last-event-id'];
  if (header === undefined) return after ?? now;
  const text = Array.isArray(header) ? header[0]! : header;
  if (!/^\d{1,15}$/.test(text))
    throw new InvalidRequest([
      { path: 'headers.last-event-id', message: 'expected the id of a status event' },
    ]);
  return Number(text);
}

// The streams open on each server, ended before it closes.
const openStreams = new WeakMap<FastifyInstance, Set<ServerResponse>>();

function streamsOf(app: FastifyInstance): Set<ServerResponse> {
  let streams = openStreams.get(app);
  if (!streams) {
    const created = new Set<ServerResponse>();
    openStreams.set(app, (streams = created));
    app.addHook('preClose', async () => {
      for (const res of created) res.end();
    });
  }
  return streams;
}

/** Registers the shutdown of `app`'s streams; call while routes can still be added. */
export function endStreamsOnClose(app: FastifyInstance): void {
  streamsOf(app);
}

export function sendEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  feed: StatusFeed,
  after: number,
  read: StreamRead,
  heartbeatMs: number,
  /** Checked at each heartbeat: a stream whose credential has lapsed (a revoked key) ends. */
  stillAllowed: () => boolean = () => true,
): void {
  reply.hijack();
  const res = reply.raw;
  const streams = streamsOf(request.server);
  streams.add(res);
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(`retry: ${RETRY_MS}\n\n`);
  let cursor = after;
  let open = true;
  const flush = () => {
    while (open && cursor < feed.durableId) {
      const { events, scannedTo } = read(cursor, feed.durableId);
      for (const e of events)
        res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
      if (scannedTo <= cursor) break;
      cursor = scannedTo;
    }
  };
  flush();
  const unsubscribe = feed.onDurable(flush);
  const heartbeat = setInterval(() => {
    if (stillAllowed()) res.write(': heartbeat\n\n');
    else res.end();
  }, heartbeatMs);
  res.on('close', () => {
    streams.delete(res);
    open = false;
    unsubscribe();
    clearInterval(heartbeat);
  });
}
