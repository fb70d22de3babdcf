/**
 * Test support: a real aedes broker on a loopback port that holds back the publishes a test
 * names (no PUBACK, no delivery) until the test releases them, as a broker does when its
 * PUBACK to a client waits behind megabytes of messages queued to that client.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Aedes } from 'aedes';

export interface HoldingBroker {
  url: string;
  /** Topics of the publishes held so far and not yet released. */
  readonly held: readonly string[];
  /** Lets every held publish through (PUBACK and delivery) and stops holding. */
  release(): void;
  close(): Promise<void>;
}

export async function startHoldingBroker(hold: (topic: string) => boolean): Promise<HoldingBroker> {
  let holding = true;
  const held: { topic: string; go: () => void }[] = [];
  const aedes = await Aedes.createBroker({
    authorizePublish: (_client, packet, callback) => {
      if (!holding || !hold(packet.topic)) return callback(null);
      held.push({ topic: packet.topic, go: () => callback(null) });
    },
  });
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    get held() {
      return held.map((h) => h.topic);
    },
    release: () => {
      holding = false;
      for (const h of held.splice(0)) h.go();
    },
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
