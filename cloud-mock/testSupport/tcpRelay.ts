/**
 * Test support: a loopback TCP relay in front of a real broker that a test can hold — nothing
 * passes either way until it is released — to stand for a broker that has stopped answering
 * (a PUBACK that does not come).
 */
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

export interface TcpRelay {
  url: string;
  /** Stops forwarding in both directions; bytes wait in the sockets. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

export async function startTcpRelay(target: URL): Promise<TcpRelay> {
  const pairs = new Set<[Socket, Socket]>();
  let held = false;
  const server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    if (held) for (const s of pair) s.pause();
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${target.protocol}//127.0.0.1:${port}`,
    hold: () => {
      held = true;
      for (const pair of pairs) for (const s of pair) s.pause();
    },
    release: () => {
      held = false;
      for (const pair of pairs) for (const s of pair) s.resume();
    },
    close: async () => {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
