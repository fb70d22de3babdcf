/**
 * Test support: a loopback TCP relay in front of a real broker that a test or drill can make
 * misbehave the ways a real network does: hold everything (a broker that stopped answering),
 * black-hole the open connections without closing them (half-open: nothing passes, nothing
 * ends), delay every chunk, cut a connection in the middle of a packet, and replay what a client
 * sent on an old connection after it has reconnected (stale bytes arriving late).
 */
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

export interface TcpRelay {
  url: string;
  /** Stops forwarding in both directions; bytes wait in the sockets. */
  hold(): void;
  release(): void;
  /**
   * The connections open now go dead both ways without closing: every byte is swallowed, and
   * when the broker gives up on its side the client is not told. New connections pass.
   */
  blackHole(): void;
  /** Every chunk waits this long before it is passed on, both ways (0: no delay). */
  delay(ms: number): void;
  /** The next chunk a client sends is cut: its first half passes, then both sides are destroyed. */
  cutMidPacket(): void;
  /**
   * Opens a fresh connection to the broker and sends it everything the client sent on its
   * `index`-th connection (0-based, in the order they were accepted), as if those bytes had
   * wandered the network and arrived now; the broker's answers are discarded and the connection
   * is closed after `holdMs`.
   */
  replay(index: number, holdMs?: number): Promise<void>;
  /** When each client connection was accepted (epoch ms). */
  readonly connects: readonly number[];
  close(): Promise<void>;
}

/** What a client sent on one connection, kept for replay (up to this many bytes). */
const RECORD_LIMIT = 4 * 1024 * 1024;
const now = () => performance.timeOrigin + performance.now();

interface Pair {
  client: Socket;
  upstream: Socket;
  dead: boolean;
  sent: Buffer[];
  sentBytes: number;
}

export async function startTcpRelay(target: URL): Promise<TcpRelay> {
  const pairs = new Set<Pair>();
  const history: Pair[] = [];
  const connects: number[] = [];
  const extra = new Set<Socket>();
  let held = false;
  let delayMs = 0;
  let cutNext = false;
  const connectUpstream = () =>
    createConnection({ host: target.hostname, port: Number(target.port) });

  const server = createServer((client) => {
    connects.push(now());
    const pair: Pair = { client, upstream: connectUpstream(), dead: false, sent: [], sentBytes: 0 };
    pairs.add(pair);
    history.push(pair);
    const { upstream } = pair;
    // One queue per direction, drained in order: a later chunk never overtakes an earlier one,
    // even when the delay shrinks (TCP reorders nothing; a relay that did would corrupt it).
    const queues = new Map<Socket, { at: number; chunk: Buffer }[]>();
    const drain = (to: Socket) => {
      const queue = queues.get(to)!;
      while (queue.length > 0 && queue[0]!.at <= now()) {
        const { chunk } = queue.shift()!;
        if (!pair.dead && !to.destroyed) to.write(chunk);
      }
      if (queue.length > 0) setTimeout(() => drain(to), queue[0]!.at - now() + 1);
    };
    const pass = (to: Socket, chunk: Buffer) => {
      if (pair.dead) return;
      const queue = queues.get(to) ?? [];
      queues.set(to, queue);
      if (delayMs === 0 && queue.length === 0) return void to.write(chunk);
      queue.push({ at: now() + delayMs, chunk });
      if (queue.length === 1) setTimeout(() => drain(to), delayMs + 1);
    };
    client.on('data', (chunk: Buffer) => {
      if (pair.sentBytes < RECORD_LIMIT) {
        pair.sent.push(chunk);
        pair.sentBytes += chunk.length;
      }
      if (cutNext && !pair.dead && chunk.length > 1) {
        cutNext = false;
        upstream.write(chunk.subarray(0, Math.floor(chunk.length / 2)), () => end());
        return;
      }
      pass(upstream, chunk);
    });
    upstream.on('data', (chunk: Buffer) => pass(client, chunk));
    if (held) for (const s of [client, upstream]) s.pause();
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    // A dead pair's client never hears that the broker's side has gone.
    const upstreamGone = () => (pair.dead ? upstream.destroy() : end());
    upstream.on('error', upstreamGone).on('close', upstreamGone);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${target.protocol}//127.0.0.1:${port}`,
    connects,
    hold: () => {
      held = true;
      for (const pair of pairs) for (const s of [pair.client, pair.upstream]) s.pause();
    },
    release: () => {
      held = false;
      for (const pair of pairs) for (const s of [pair.client, pair.upstream]) s.resume();
    },
    blackHole: () => {
      for (const pair of pairs) pair.dead = true;
    },
    delay: (ms) => {
      delayMs = ms;
    },
    cutMidPacket: () => {
      cutNext = true;
    },
    replay: async (index, holdMs = 1000) => {
      const recorded = history[index];
      if (!recorded) throw new Error(`no connection ${index} to replay`);
      const socket = connectUpstream();
      extra.add(socket);
      socket.on('data', () => {}).on('error', () => {});
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      socket.write(Buffer.concat(recorded.sent));
      await new Promise((resolve) => setTimeout(resolve, holdMs));
      socket.destroy();
      extra.delete(socket);
    },
    close: async () => {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      for (const s of extra) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
