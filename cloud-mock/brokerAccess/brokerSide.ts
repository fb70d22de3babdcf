/**
 * The broker side of the cloud's composition root: checks the broker options, settles the
 * cloud's own account, starts the embedded broker behind its gate (or names the external one),
 * picks where broker accounts live, and says what URL units are told.
 */
import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import { publicKeyToRaw } from '../../src/shared/node/ed25519';
import { startEmbeddedBroker, type EmbeddedBroker } from '../broker';
import { putCloudAccount } from '../store/brokerAccounts';
import type { Db } from '../store/database';
import {
  brokerAccountsProblem,
  embeddedAccounts,
  managedElsewhere,
  mosquittoDynsecAccounts,
  type BrokerAccounts,
  type BrokerAccountsKind,
} from './accounts';
import { advertisedUrlProblem, isUnspecifiedHost, splitBrokerUrl } from './brokerAddress';
import { readBrokerTls, type BrokerTls, type BrokerTlsFiles } from './brokerTls';
import { loadOrCreateCloudIdentity, type BrokerCredentials } from './cloudIdentity';
import { DynsecAdmin, DYNSEC_RESPONSE_TOPIC } from './dynsecAdmin';
import { embeddedGate } from './embeddedGate';
import { hashBrokerPassword, newBrokerPassword } from './passwordHash';

export interface BrokerOptions {
  brokerUrl?: string;
  brokerAccounts?: BrokerAccountsKind;
  brokerCredentials?: BrokerCredentials;
  brokerTls?: BrokerTlsFiles;
  advertisedMqttUrl?: string;
  mqttPort?: number;
  host: string;
  dataDir: string;
  topicPrefix: string;
}

export interface BrokerSide {
  /** Where the cloud's own link connects (no userinfo). */
  url: string;
  /** What enrolling units are told (no userinfo, never an unspecified address). */
  advertised: string;
  clientId: string;
  /** None when a broker managed elsewhere knows the cloud by its certificate. */
  credentials: BrokerCredentials | null;
  tls: BrokerTls | undefined;
  accounts: BrokerAccounts;
  /** Topics the cloud's link subscribes to for the broker side (dynsec answers). */
  subscriptions: string[];
  /** Takes a message meant for the broker side; false for anything else. */
  onMessage(topic: string, payload: Buffer): boolean;
  /** Once the cloud's link is up: checks an administered broker answers. */
  linkUp(): Promise<void>;
  close(): Promise<void>;
}

export async function openBrokerSide(
  o: BrokerOptions,
  deps: {
    db: Db;
    publicKey: KeyObject;
    log: Logger;
    now: () => number;
    /** The cloud's link, once it is up. */
    publish: (topic: string, payload: string) => Promise<void>;
  },
): Promise<BrokerSide> {
  const { db, log } = deps;
  const external = o.brokerUrl !== undefined;
  const kind = o.brokerAccounts ?? (external ? null : 'embedded');
  if (kind === null)
    throw new Error(
      'an external broker needs its account backend: brokerAccounts (--broker-accounts) mosquitto-dynsec or managed-elsewhere',
    );
  const problem = brokerAccountsProblem(kind, external);
  if (problem) throw new Error(problem);
  if (!external && isUnspecifiedHost(o.host) && !o.advertisedMqttUrl)
    throw new Error(
      `the embedded broker listens on ${o.host}, which no unit can connect to: say where units should connect with --advertise-mqtt URL`,
    );
  const split = external ? splitBrokerUrl(o.brokerUrl!) : null;
  if (split && !split.ok) throw new Error(`--broker: ${split.error}`);
  const tls = o.brokerTls ? readBrokerTls(o.brokerTls) : undefined;

  // Stable per signing key, so the broker keeps this cloud's session across restarts.
  const cloudName = `cloud-${publicKeyToRaw(deps.publicKey).slice(0, 16)}`;
  const given = o.brokerCredentials ?? split?.value.credentials ?? null;
  // A broker whose accounts are managed elsewhere may know the cloud by its certificate alone.
  const credentials =
    given ??
    (kind === 'managed-elsewhere' ? null : loadOrCreateCloudIdentity(o.dataDir, cloudName, log));
  const clientId = credentials?.username ?? cloudName;
  // Recorded on every broker, so no locker is ever provisioned under the cloud's name.
  const hash = await hashBrokerPassword(credentials?.password ?? newBrokerPassword());
  if (putCloudAccount(db, clientId, hash, deps.now()) === 'taken')
    throw new Error(`a locker holds ${clientId}, the cloud's broker username`);

  let broker: EmbeddedBroker | null = null;
  if (!external)
    broker = await startEmbeddedBroker(
      o.mqttPort ?? 0,
      o.host,
      embeddedGate(db, o.topicPrefix, log),
    );
  const url = split?.value.url ?? broker!.url;
  const advertised = o.advertisedMqttUrl ?? url;
  const advertisedProblem = advertisedUrlProblem(advertised);
  if (advertisedProblem) {
    await broker?.close();
    throw new Error(`the broker URL for units: ${advertisedProblem}`);
  }

  const dynsec = kind === 'mosquitto-dynsec' ? new DynsecAdmin(deps.publish, log) : null;
  const dynsecAccounts = dynsec ? mosquittoDynsecAccounts(dynsec, o.topicPrefix, log) : null;
  return {
    url,
    advertised,
    clientId,
    credentials,
    tls,
    accounts: broker
      ? embeddedAccounts((id) => broker.disconnect(id))
      : (dynsecAccounts ?? managedElsewhere),
    subscriptions: dynsec ? [DYNSEC_RESPONSE_TOPIC] : [],
    onMessage: (topic, payload) => {
      if (!dynsec || topic !== DYNSEC_RESPONSE_TOPIC) return false;
      dynsec.onResponse(payload);
      return true;
    },
    linkUp: async () => {
      const started = await dynsecAccounts?.start();
      if (started && !started.ok) throw new Error(started.error);
    },
    close: async () => {
      await broker?.close();
    },
  };
}
