import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Aedes, type Client } from 'aedes';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { connectMqtt, type MqttLink } from './mqttLink';

const TOPICS = ['locker/v1/+/state', 'locker/v1/+/presence'];

/** A real aedes broker on a port, counting the SUBSCRIBE packets each client sends. */
async function broker(port = 0) {
  const aedes = await Aedes.createBroker();
  const subscribes: string[] = [];
  const ready: string[] = [];
  aedes.on('subscribe', (_subs, client) => subscribes.push(client.id));
  aedes.on('clientReady', (client) => ready.push(client.id));
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    aedes.handle(s);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const clients = (aedes as unknown as { clients: Record<string, Client | undefined> }).clients;
  return {
    port: (server.address() as AddressInfo).port,
    subscribes,
    ready,
    retain: (topic: string, text: string) =>
      new Promise<void>((resolve) =>
        aedes.publish(
          { cmd: 'publish', topic, payload: Buffer.from(text), qos: 1, retain: true, dup: false },
          () => resolve(),
        ),
      ),
    /** The broker ends the client's connection, keeping its session. */
    drop: (id: string) => new Promise<void>((resolve) => clients[id]!.close(() => resolve())),
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const until = async (what: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};
const settle = () => new Promise((r) => setTimeout(r, 300));

let link: MqttLink | null = null;
const brokers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await link?.close();
  link = null;
  for (const b of brokers.splice(0)) await b.close();
});

describe('the cloud’s MQTT link subscribes once', () => {
  it('on start, and not again when it reconnects to a broker that kept its session', async () => {
    const b = await broker();
    brokers.push(b);
    await b.retain('locker/v1/L1/state', '{"seq":1}');
    const received: string[] = [];
    link = await connectMqtt({
      url: `mqtt://127.0.0.1:${b.port}`,
      clientId: 'cloud-link-test',
      subscriptions: TOPICS,
      onMessage: (topic) => void received.push(topic),
      log: pino({ level: 'silent' }),
    });
    await until(() => received.length === 1);
    await settle();
    expect(b.subscribes).toEqual(['cloud-link-test']);

    await b.drop('cloud-link-test');
    await until(() => b.ready.length === 2);
    await settle();
    // Subscribing again would have the broker send every locker's retained state once more.
    expect(b.subscribes).toEqual(['cloud-link-test']);
    expect(received).toEqual(['locker/v1/L1/state']);
  });

  it('subscribes again, once, when the broker lost its session', async () => {
    const first = await broker();
    const received: string[] = [];
    link = await connectMqtt({
      url: `mqtt://127.0.0.1:${first.port}`,
      clientId: 'cloud-link-test-2',
      subscriptions: TOPICS,
      onMessage: (topic) => void received.push(topic),
      log: pino({ level: 'silent' }),
    });
    await first.close();
    // A new broker on the same port, with none of the old sessions.
    const second = await broker(first.port);
    brokers.push(second);
    await second.retain('locker/v1/L2/presence', '{"status":"online"}');
    await until(() => second.ready.length === 1);
    await until(() => received.length === 1);
    await settle();
    expect(second.subscribes).toEqual(['cloud-link-test-2']);
    expect(received).toEqual(['locker/v1/L2/presence']);
  });
});
