/**
 * The cloud's own MQTT connection (to the embedded broker or an external one): a persistent
 * session under its own broker account (client id = username), so QoS 1 messages published
 * while the cloud was down wait at the broker; TLS with the given CA and client certificate;
 * reconnects on its own.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { BrokerTls } from './brokerAccess/brokerTls';
import type { BrokerCredentials } from './brokerAccess/cloudIdentity';
import { settleMqttLengthCache } from '../src/shared/node/mqttLengthCache';
import { noDelay } from '../src/shared/node/mqttNoDelay';

const FIRST_CONNECT_MS = 15_000;

export interface MqttLink {
  publish(topic: string, payload: string, qos: 0 | 1): Promise<void>;
  readonly connected: boolean;
  close(): Promise<void>;
}

export async function connectMqtt(options: {
  /** Without userinfo: credentials travel only in `credentials`. */
  url: string;
  clientId: string;
  /** None when the broker knows the cloud by its client certificate alone. */
  credentials?: BrokerCredentials;
  tls?: BrokerTls;
  subscriptions: string[];
  /**
   * May return a promise: the next message is read only once it settles, so a busy cloud
   * leaves messages waiting at the broker instead of buffering them without bound.
   */
  onMessage: (topic: string, payload: Buffer) => void | Promise<void>;
  log: Logger;
}): Promise<MqttLink> {
  const { log, tls } = options;
  settleMqttLengthCache(); // see mqttLengthCache.ts: pinned pool blocks otherwise
  const client: MqttClient = mqtt.connect(options.url, {
    clientId: options.clientId,
    ...(options.credentials
      ? { username: options.credentials.username, password: options.credentials.password }
      : {}),
    clean: false,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    protocolVersion: 4,
    ...(tls?.ca ? { ca: tls.ca } : {}),
    ...(tls?.cert ? { cert: tls.cert } : {}),
    ...(tls?.key ? { key: tls.key } : {}),
    rejectUnauthorized: true,
  });
  // Rather than the 'message' event: mqtt.js reads the next packet once `done` is called.
  client.handleMessage = (packet, done) => {
    const taken = options.onMessage(packet.topic, packet.payload as Buffer);
    if (taken) taken.then(() => done(), done);
    else done();
  };
  client.on('error', (e) => log.warn({ err: e }, 'mqtt error'));
  client.on('offline', () => log.warn('mqtt offline; reconnecting'));
  // Subscribed once, below. After a reconnect mqtt.js subscribes again by itself only when the
  // broker lost the session (mqttLink.test.ts): a SUBSCRIBE on a kept session would have the
  // broker send every locker's retained state and presence once more.
  client.on('connect', (connack) => {
    noDelay(client);
    log.info({ url: options.url, sessionPresent: connack.sessionPresent }, 'mqtt connected');
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
    const refused = (e: Error) =>
      fail(
        new Error(
          `the broker at ${options.url} refused the cloud (client ${options.clientId}): ${e.message}`,
        ),
      );
    client.once('error', refused);
    client.once('connect', () => {
      clearTimeout(timer);
      client.off('error', refused);
      resolve();
    });
  });
  // Wait for the first subscription round so a test can publish right after startCloud; a
  // broker that refuses one (SUBACK 0x80) has not given this account the cloud's rights.
  let granted: number[];
  try {
    granted = (await client.subscribeAsync(options.subscriptions, { qos: 1 })).map((g) => g.qos);
  } catch (e) {
    const suback = (e as { packet?: { granted?: unknown } }).packet?.granted;
    if (!Array.isArray(suback)) {
      await client.endAsync(true);
      throw e;
    }
    granted = suback as number[];
  }
  const refused = options.subscriptions.filter((_, i) => granted[i] === 128);
  if (refused.length > 0) {
    await client.endAsync(true);
    throw new Error(
      `the broker refused the cloud's subscription to ${refused.join(', ')}: its account (${options.clientId}) lacks the cloud's role`,
    );
  }
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
