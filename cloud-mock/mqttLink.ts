/**
 * The cloud's own MQTT connection (to the embedded broker or an external one): a persistent
 * session under a client id derived from the cloud key, so QoS 1 messages published while the
 * cloud was down wait at the broker; reconnects on its own.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';

const FIRST_CONNECT_MS = 15_000;

export interface MqttLink {
  publish(topic: string, payload: string, qos: 0 | 1): Promise<void>;
  readonly connected: boolean;
  close(): Promise<void>;
}

export async function connectMqtt(options: {
  url: string;
  clientId: string;
  subscriptions: string[];
  /**
   * May return a promise: the next message is read only once it settles, so a busy cloud
   * leaves messages waiting at the broker instead of buffering them without bound.
   */
  onMessage: (topic: string, payload: Buffer) => void | Promise<void>;
  log: Logger;
}): Promise<MqttLink> {
  const { log } = options;
  const client: MqttClient = mqtt.connect(options.url, {
    clientId: options.clientId,
    clean: false,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    protocolVersion: 4,
  });
  // Rather than the 'message' event: mqtt.js reads the next packet once `done` is called.
  client.handleMessage = (packet, done) => {
    const taken = options.onMessage(packet.topic, packet.payload as Buffer);
    if (taken) taken.then(() => done(), done);
    else done();
  };
  client.on('error', (e) => log.warn({ err: e }, 'mqtt error'));
  client.on('offline', () => log.warn('mqtt offline; reconnecting'));
  client.on('connect', (connack) => {
    log.info({ url: options.url, sessionPresent: connack.sessionPresent }, 'mqtt connected');
    // Re-subscribing is harmless when the broker kept the session, and needed when it did not.
    client.subscribe(options.subscriptions, { qos: 1 }, (e) => {
      if (e) log.error({ err: e }, 'mqtt subscribe failed');
    });
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (e: Error) => {
      clearTimeout(timer);
      client.end(true);
      reject(e);
    };
    const timer = setTimeout(
      () => fail(new Error(`no MQTT connection to ${options.url} within ${FIRST_CONNECT_MS} ms`)),
      FIRST_CONNECT_MS,
    );
    client.once('error', fail);
    client.once('connect', () => {
      clearTimeout(timer);
      client.off('error', fail);
      resolve();
    });
  });
  // Wait for the first subscription round so a test can publish right after startCloud.
  await client.subscribeAsync(options.subscriptions, { qos: 1 });
  return {
    publish: async (topic, payload, qos) => {
      await client.publishAsync(topic, payload, { qos });
    },
    get connected() {
      return client.connected;
    },
    close: () => client.endAsync(),
  };
}
