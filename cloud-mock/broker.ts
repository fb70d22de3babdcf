/**
 * The embedded MQTT broker: aedes on a TCP port (0 picks a free one) behind the cloud's gate:
 * every client authenticates, its client id is its username, and each publish (its will too)
 * and subscription is checked against what its identity may do.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { settleMqttLengthCache } from '../src/shared/node/mqttLengthCache';
import type { BrokerGate } from './brokerAccess/embeddedGate';
import { isUnspecifiedHost } from './brokerAccess/brokerAddress';
import type { BrokerIdentity } from './brokerAccess/topicRules';

export interface EmbeddedBroker {
  /** Where the cloud itself connects (loopback when listening on every interface). */
  url: string;
  port: number;
  /** Ends the session of the client with this id, if one is connected. */
  disconnect(clientId: string): Promise<void>;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(
  port: number,
  host: string,
  gate: BrokerGate,
): Promise<EmbeddedBroker> {
  settleMqttLengthCache(); // aedes writes through mqtt-packet too: see mqttLengthCache.ts
  const identities = new WeakMap<Client, BrokerIdentity>();
  const aedes = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      gate.admit(client.id, username, password).then(
        (r) => {
          if (r.ok) {
            identities.set(client, r.value);
            done(null, true);
            return;
          }
          const e = new Error(r.error.reason) as AuthenticateError;
          e.returnCode = r.error.code as AuthenticateError['returnCode'];
          done(e, false);
        },
        (e: unknown) => {
          const failed = new Error(`authentication failed: ${(e as Error).message}`);
          done(Object.assign(failed, { returnCode: 3 }) as AuthenticateError, false);
        },
      );
    },
    authorizePublish: (client, packet, callback) => {
      const who = client ? identities.get(client) : undefined;
      if (client && who && gate.mayPublish(who, client.id, packet.topic)) return callback(null);
      callback(new Error(`not authorized to publish on ${packet.topic}`));
    },
    authorizeSubscribe: (client, subscription, callback) => {
      const who = identities.get(client);
      if (who && gate.maySubscribe(who, client.id, subscription.topic))
        return callback(null, subscription);
      callback(null, null); // a refused subscription: SUBACK 0x80
    },
  });
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    // Each PUBACK and ack is one small write: with Nagle's algorithm it waits for the peer's
    // delayed ACK (40 ms on Linux), and every event's round trip took ~90 ms on an idle cloud.
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const reachable = isUnspecifiedHost(host) ? '127.0.0.1' : host;
  const clients = (aedes as unknown as { clients: Record<string, Client | undefined> }).clients;
  return {
    url: `mqtt://${reachable.includes(':') ? `[${reachable}]` : reachable}:${actual}`,
    port: actual,
    disconnect: (clientId) =>
      new Promise<void>((resolve) => {
        const client = clients[clientId];
        if (!client) return resolve();
        client.close(() => resolve());
      }),
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
