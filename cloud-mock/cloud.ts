/**
 * startCloud: the cloud-mock's one composition root. Opens the SQLite store and the signing
 * key in the data dir, starts the embedded broker (or uses an external one), connects the
 * cloud's MQTT link, builds the services and the REST API, and runs the scheduler.
 */
import { randomBytes, randomUUID, type KeyObject, createPublicKey } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { DEFAULT_TOPIC_PREFIX } from '../src/shared/protocol/topics';
import type { BrokerAccountsKind } from './brokerAccess/accounts';
import { openBrokerSide } from './brokerAccess/brokerSide';
import type { BrokerTlsFiles } from './brokerAccess/brokerTls';
import type { BrokerCredentials } from './brokerAccess/cloudIdentity';
import { SECRET_LOG_PATHS } from './brokerAccess/secretLogPaths';
import { buildHttp } from './http/server';
import { connectMqtt, type MqttLink } from './mqttLink';
import { Allocations } from './services/allocations';
import { cryptoDigits } from './services/codes';
import { Commands } from './services/commands';
import {
  DEFAULT_POLICY,
  type Clock,
  type CloudContext,
  type CloudPolicy,
} from './services/context';
import { Ingest } from './services/ingest';
import { LiveStatus, type LiveStatusOptions } from './services/liveStatus';
import { LockerView } from './services/lockerView';
import { Scheduler, type TickReport } from './services/scheduler';
import { loadOrCreateSigningKey } from './signingKey';
import { startCheckpointer } from './store/checkpointer';
import { openDatabase } from './store/database';
import { walSyncOf } from './store/walSync';

export interface CloudOptions {
  /** 0 picks a free port (default 0). */
  httpPort?: number;
  /** Port of the embedded broker; 0 picks a free one (default 0). Ignored with brokerUrl. */
  mqttPort?: number;
  /**
   * Use this external broker instead of the embedded aedes. Credentials in it (user:pass@) are
   * for the cloud's own connection only: units are never told them.
   */
  brokerUrl?: string;
  /**
   * Where broker accounts live: `embedded` (the default, and only, with the embedded broker),
   * `mosquitto-dynsec` or `managed-elsewhere` (an external broker needs one of these).
   */
  brokerAccounts?: BrokerAccountsKind;
  /** The cloud's own broker account; else the brokerUrl's, else the one in the data dir. */
  brokerCredentials?: BrokerCredentials;
  /** CA to verify an external broker with, and a client certificate to present to it. */
  brokerTls?: BrokerTlsFiles;
  /** Interface the HTTP server and the embedded broker listen on (default 127.0.0.1). */
  host?: string;
  /**
   * Broker URL handed to enrolling units, when it differs from the one the cloud uses; needed
   * when the embedded broker listens on every interface (0.0.0.0, ::).
   */
  advertisedMqttUrl?: string;
  dataDir: string;
  topicPrefix?: string;
  clock?: Clock;
  log?: Logger;
  /** Run the scheduler on a timer (default true); tests leave it off and call tick(). */
  scheduler?: boolean;
  schedulerIntervalMs?: number;
  /** Sign with this key instead of the one in the data dir. */
  signingKey?: KeyObject;
  /** Simulator control API, for the dashboard's hardware buttons. */
  simulatorUrl?: string;
  /**
   * Host names the REST API answers to besides its own address and loopback (`--public-host`):
   * `name` (bare, as behind a proxy, or with the cloud's port) or `name:port`. Others get 421.
   */
  publicHosts?: readonly string[];
  policy?: Partial<CloudPolicy>;
  /** Digits source for codes; CSPRNG unless a test injects one. */
  randomDigits?: (length: number) => string;
  /** Bytes source for QR tokens; crypto.randomBytes unless a test injects one. */
  randomBytes?: (size: number) => Buffer;
  /** Status streams' heartbeat and the webhooks' retry policy (tests shorten them). */
  live?: LiveStatusOptions;
  /**
   * The cloud's address as customers reach it, for their status page links (e.g.
   * https://lockers.example.com); the listening address by default.
   */
  publicUrl?: string;
}

export interface RunningCloud {
  httpUrl: string;
  /** The broker URL units are told to use (never with credentials). */
  mqttUrl: string;
  cloudPublicKey: KeyObject;
  /** Runs the scheduler once on the injected clock. */
  tick(): Promise<TickReport>;
  /** Fans out what is durable and sends the webhook deliveries due now (tests, on the fake clock). */
  deliverWebhooks(): Promise<void>;
  /** The fastify instance, for `inject` in tests. */
  http: FastifyInstance;
  close(): Promise<void>;
}

export async function startCloud(options: CloudOptions): Promise<RunningCloud> {
  const log = options.log ?? pino({ level: 'info', redact: SECRET_LOG_PATHS });
  const host = options.host ?? '127.0.0.1';
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const keys = options.signingKey
    ? { privateKey: options.signingKey, publicKey: createPublicKey(options.signingKey) }
    : loadOrCreateSigningKey(options.dataDir, log);
  const db = openDatabase(join(options.dataDir, 'cloud.sqlite'));

  const cleanups: (() => Promise<void> | void)[] = [
    () => {
      db.close();
    },
  ];
  const checkpoints = startCheckpointer(db, log);
  cleanups.push(() => checkpoints.close());
  cleanups.push(() => walSyncOf(db).close());
  const closeAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (e) {
        log.warn({ err: e }, 'cloud shutdown step failed');
      }
    }
  };

  try {
    let link: MqttLink | null = null;
    const publish = (topic: string, payload: string, qos: 0 | 1) => {
      if (!link) return Promise.reject(new Error('the MQTT link is not up yet'));
      return link.publish(topic, payload, qos);
    };
    const topicPrefix = options.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
    const brokerSide = await openBrokerSide(
      { ...options, host, topicPrefix },
      {
        db,
        publicKey: keys.publicKey,
        log,
        now: () => options.clock?.now() ?? Date.now(),
        publish: (topic, payload) => publish(topic, payload, 1),
      },
    );
    cleanups.push(() => brokerSide.close());
    const ctx: CloudContext = {
      db,
      clock: options.clock ?? { now: () => Date.now() },
      log,
      signingKey: keys.privateKey,
      publicKey: keys.publicKey,
      topicPrefix,
      mqttUrl: brokerSide.advertised,
      brokerAccounts: brokerSide.accounts,
      publish,
      newId: randomUUID,
      randomDigits: options.randomDigits ?? cryptoDigits,
      randomBytes: options.randomBytes ?? ((size) => randomBytes(size)),
      policy: { ...DEFAULT_POLICY, ...options.policy },
    };
    const commands = new Commands(ctx);
    const ingest = new Ingest(ctx, new LockerView(ctx, commands), commands);
    cleanups.push(() => ingest.close());
    const allocations = new Allocations(ctx, commands);
    const scheduler = new Scheduler(ctx, commands);
    const live = new LiveStatus(ctx, options.live);
    cleanups.push(() => live.close());
    ctx.statusPageUrl = (allocationId) => live.statusUrl(allocationId);

    link = await connectMqtt({
      url: brokerSide.url,
      clientId: brokerSide.clientId,
      ...(brokerSide.credentials ? { credentials: brokerSide.credentials } : {}),
      ...(brokerSide.tls ? { tls: brokerSide.tls } : {}),
      subscriptions: [...ingest.subscriptions(), ...brokerSide.subscriptions],
      onMessage: (topic, payload) =>
        brokerSide.onMessage(topic, payload) ? undefined : ingest.take(topic, payload),
      log,
    });
    cleanups.push(() => link!.close());
    await brokerSide.linkUp();

    const http = buildHttp({
      ctx,
      commands,
      allocations,
      live,
      ...(options.simulatorUrl ? { simulatorUrl: options.simulatorUrl } : {}),
      listenHost: host,
      publicHosts: options.publicHosts ?? [],
    });
    cleanups.push(() => http.close());
    const address = await http.listen({ port: options.httpPort ?? 0, host });
    live.setBaseUrl(options.publicUrl ?? address);
    live.webhooks.start();

    if (options.scheduler ?? true) {
      const timer = setInterval(() => {
        scheduler.tick().catch((e: unknown) => log.error({ err: e }, 'scheduler tick failed'));
      }, options.schedulerIntervalMs ?? 60_000);
      cleanups.push(() => clearInterval(timer));
    }

    log.info(
      {
        http: address,
        mqtt: brokerSide.url,
        advertised: brokerSide.advertised,
        brokerAccounts: brokerSide.accounts.kind,
        clientId: brokerSide.clientId,
      },
      'cloud-mock ready',
    );
    return {
      httpUrl: address,
      mqttUrl: brokerSide.advertised,
      cloudPublicKey: keys.publicKey,
      tick: () => scheduler.tick(),
      deliverWebhooks: () => live.webhooks.wake(),
      http,
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
