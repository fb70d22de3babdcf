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
import { publicKeyToRaw } from '../src/shared/node/ed25519';
import { DEFAULT_TOPIC_PREFIX } from '../src/shared/protocol/topics';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker';
import {
  brokerAccountsProblem,
  embeddedAccounts,
  managedElsewhere,
  mosquittoDynsecAccounts,
  type BrokerAccounts,
  type BrokerAccountsKind,
} from './brokerAccess/accounts';
import {
  advertisedUrlProblem,
  isUnspecifiedHost,
  splitBrokerUrl,
} from './brokerAccess/brokerAddress';
import { loadOrCreateCloudIdentity, type BrokerCredentials } from './brokerAccess/cloudIdentity';
import { DynsecAdmin, DYNSEC_RESPONSE_TOPIC } from './brokerAccess/dynsecAdmin';
import { embeddedGate } from './brokerAccess/embeddedGate';
import { hashBrokerPassword, newBrokerPassword } from './brokerAccess/passwordHash';
import { readBrokerTls, type BrokerTlsFiles } from './brokerAccess/brokerTls';
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
import { LockerView } from './services/lockerView';
import { Scheduler, type TickReport } from './services/scheduler';
import { loadOrCreateSigningKey } from './signingKey';
import { putCloudAccount } from './store/brokerAccounts';
import { openDatabase } from './store/database';

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
  policy?: Partial<CloudPolicy>;
  /** Digits source for codes; CSPRNG unless a test injects one. */
  randomDigits?: (length: number) => string;
  /** Bytes source for QR tokens; crypto.randomBytes unless a test injects one. */
  randomBytes?: (size: number) => Buffer;
}

export interface RunningCloud {
  httpUrl: string;
  /** The broker URL units are told to use (never with credentials). */
  mqttUrl: string;
  cloudPublicKey: KeyObject;
  /** Runs the scheduler once on the injected clock. */
  tick(): Promise<TickReport>;
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
    const external = options.brokerUrl !== undefined;
    const kind = options.brokerAccounts ?? (external ? null : 'embedded');
    if (kind === null)
      throw new Error(
        'an external broker needs its account backend: brokerAccounts (--broker-accounts) mosquitto-dynsec or managed-elsewhere',
      );
    const problem = brokerAccountsProblem(kind, external);
    if (problem) throw new Error(problem);
    if (!external && isUnspecifiedHost(host) && !options.advertisedMqttUrl)
      throw new Error(
        `the embedded broker listens on ${host}, which no unit can connect to: say where units should connect with --advertise-mqtt URL`,
      );
    const split = external ? splitBrokerUrl(options.brokerUrl!) : null;
    if (split && !split.ok) throw new Error(`--broker: ${split.error}`);
    const tls = options.brokerTls ? readBrokerTls(options.brokerTls) : undefined;

    // Stable per signing key, so the broker keeps this cloud's session across restarts.
    const cloudName = `cloud-${publicKeyToRaw(keys.publicKey).slice(0, 16)}`;
    const given = options.brokerCredentials ?? split?.value.credentials ?? null;
    // A broker whose accounts are managed elsewhere may know the cloud by its certificate alone.
    const own =
      given ??
      (kind === 'managed-elsewhere'
        ? null
        : loadOrCreateCloudIdentity(options.dataDir, cloudName, log));
    const clientId = own?.username ?? cloudName;

    // Recorded on every broker, so no locker is ever provisioned under the cloud's name.
    const stored = putCloudAccount(
      db,
      clientId,
      await hashBrokerPassword(own?.password ?? newBrokerPassword()),
      options.clock?.now() ?? Date.now(),
    );
    if (stored === 'taken')
      throw new Error(`a locker holds ${clientId}, the cloud's broker username`);
    let broker: EmbeddedBroker | null = null;
    if (!external) {
      broker = await startEmbeddedBroker(
        options.mqttPort ?? 0,
        host,
        embeddedGate(db, options.topicPrefix ?? DEFAULT_TOPIC_PREFIX, log),
      );
      cleanups.push(() => broker!.close());
    }
    const brokerUrl = split?.value.url ?? broker!.url;
    const advertised = options.advertisedMqttUrl ?? brokerUrl;
    const advertisedProblem = advertisedUrlProblem(advertised);
    if (advertisedProblem) throw new Error(`the broker URL for units: ${advertisedProblem}`);

    let link: MqttLink | null = null;
    const publish = (topic: string, payload: string, qos: 0 | 1) => {
      if (!link) return Promise.reject(new Error('the MQTT link is not up yet'));
      return link.publish(topic, payload, qos);
    };
    const topicPrefix = options.topicPrefix ?? DEFAULT_TOPIC_PREFIX;
    const dynsec =
      kind === 'mosquitto-dynsec' ? new DynsecAdmin((t, p) => publish(t, p, 1), log) : null;
    const dynsecAccounts = dynsec ? mosquittoDynsecAccounts(dynsec, topicPrefix, log) : null;
    const accounts: BrokerAccounts =
      kind === 'embedded'
        ? embeddedAccounts((clientId) => broker!.disconnect(clientId))
        : (dynsecAccounts ?? managedElsewhere);
    const ctx: CloudContext = {
      db,
      clock: options.clock ?? { now: () => Date.now() },
      log,
      signingKey: keys.privateKey,
      publicKey: keys.publicKey,
      topicPrefix,
      mqttUrl: advertised,
      brokerAccounts: accounts,
      publish,
      newId: randomUUID,
      randomDigits: options.randomDigits ?? cryptoDigits,
      randomBytes: options.randomBytes ?? ((size) => randomBytes(size)),
      policy: { ...DEFAULT_POLICY, ...options.policy },
    };
    const commands = new Commands(ctx);
    const ingest = new Ingest(ctx, new LockerView(ctx, commands), commands);
    const allocations = new Allocations(ctx, commands);
    const scheduler = new Scheduler(ctx, commands);

    link = await connectMqtt({
      url: brokerUrl,
      clientId,
      ...(own ? { credentials: own } : {}),
      ...(tls ? { tls } : {}),
      subscriptions: [...ingest.subscriptions(), ...(dynsec ? [DYNSEC_RESPONSE_TOPIC] : [])],
      onMessage: (topic, payload) => {
        if (dynsec && topic === DYNSEC_RESPONSE_TOPIC) dynsec.onResponse(payload);
        else void ingest.onMessage(topic, payload);
      },
      log,
    });
    cleanups.push(() => link!.close());
    if (dynsecAccounts) {
      const started = await dynsecAccounts.start();
      if (!started.ok) throw new Error(started.error);
    }

    const http = buildHttp({
      ctx,
      commands,
      allocations,
      ...(options.simulatorUrl ? { simulatorUrl: options.simulatorUrl } : {}),
    });
    cleanups.push(() => http.close());
    const address = await http.listen({ port: options.httpPort ?? 0, host });

    if (options.scheduler ?? true) {
      const timer = setInterval(() => {
        scheduler.tick().catch((e: unknown) => log.error({ err: e }, 'scheduler tick failed'));
      }, options.schedulerIntervalMs ?? 60_000);
      cleanups.push(() => clearInterval(timer));
    }

    log.info(
      { http: address, mqtt: brokerUrl, advertised, brokerAccounts: kind, clientId },
      'cloud-mock ready',
    );
    return {
      httpUrl: address,
      mqttUrl: advertised,
      cloudPublicKey: keys.publicKey,
      tick: () => scheduler.tick(),
      http,
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
