/**
 * Test support: the real cloud-mock (its embedded aedes broker, or Mosquitto with the cloud
 * administering its dynamic-security accounts; REST through inject) and real lockers (KioskCore
 * on a SQLite file, a memory lock board, the real CloudLink with the broker identity its
 * enrolment issued), enrolled through the REST API and reading one fake wall clock, so a test
 * can take a locker offline, let days pass on both sides, and bring it back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { publicKeyToRaw } from '../../../src/shared/node/ed25519';
import type { BrokerTarget } from '../../../src/shared/node/testSupport/mosquittoClients';
import type { EnrollResponse, ProvisionLockerResponse } from '../../../src/shared/rest/schemas';
import { CloudLink } from '../../../src/main/cloud/cloudLink';
import {
  CODE_KEY,
  cloudKeys,
  deviceKeys,
  FakeClock,
  smallLockerConfig,
  startFixture,
  type Fixture,
} from '../../../src/main/services/testSupport/kioskFixture';
import { listEvents } from '../../../src/main/store/events';
import type { BrokerCredentials } from '../../brokerAccess/cloudIdentity';
import { asAccount, asLocker, cloudAccountIn } from '../../testSupport/brokerLogins';
import {
  loginOf,
  lockerRequest,
  startTestCloud,
  type TestCloud,
} from '../../testSupport/cloudFixture';
import type { DeviceLogin } from '../../testSupport/device';
import { startSecuredMosquitto, type SecuredMosquitto } from '../../testSupport/securedMosquitto';
import { until } from '../stand';

export const STAND_BROKERS = ['aedes', 'mosquitto'] as const;
export type StandBroker = (typeof STAND_BROKERS)[number];

export interface FakeTimeStand {
  /** The one wall clock: the cloud's and every locker's. */
  clock: FakeClock;
  cloud: TestCloud;
  broker: StandBroker;
  /**
   * The cloud's own broker account, as whoever read its data dir (or its operator's config)
   * has it: a compromised broker password, without the cloud's signing key.
   */
  asCloud(): BrokerTarget;
  /** POST /api/v1/lockers: the enrolment token. */
  provision(lockerId: string): Promise<string>;
  /** Provisions (unless given a token), enrols with the fixture's keys, starts the link. */
  locker(lockerId: string, o?: { token?: string; online?: boolean }): Promise<LinkedLocker>;
  /** A command as the cloud stored it: status, error and the signed text. */
  command(id: string): StoredCommandRow;
  /** Every command the cloud stored for a locker, oldest first. */
  commandsOf(lockerId: string): StoredCommandRow[];
  close(): Promise<void>;
}

export interface StoredCommandRow {
  id: string;
  type: string;
  status: string;
  error: string | null;
  signed: string;
}

export interface LinkedLocker extends Fixture {
  lockerId: string;
  /** The broker identity its enrolment issued. */
  login: DeviceLogin;
  /** This locker's broker account, as a thief of its password has it (not its device key). */
  asLocker(): BrokerTarget;
  link: CloudLink | null;
  /** Starts the link and waits until the cloud has recorded this locker online. */
  connect(): Promise<void>;
  /** Says offline and disconnects; the broker keeps the session (and queues commands). */
  disconnect(): Promise<void>;
  /** Payloads of the events of `type` in this locker's log. */
  payloads(type: string): Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startFakeTimeStand(o: { broker?: StandBroker } = {}): Promise<FakeTimeStand> {
  const broker = o.broker ?? 'aedes';
  const clock = new FakeClock(Date.now());
  const mosquitto: SecuredMosquitto | null =
    broker === 'mosquitto' ? await startSecuredMosquitto() : null;
  let cloud: TestCloud;
  try {
    cloud = await startTestCloud({
      clock: { now: () => clock.now() },
      signingKey: cloudKeys.privateKey,
      ...(mosquitto?.cloudOptions ?? {}),
    });
  } catch (e) {
    await mosquitto?.mosquitto.close();
    throw e;
  }
  const cloudAccount: BrokerCredentials = mosquitto?.cloudLogin ?? cloudAccountIn(cloud.dataDir);
  const lockers: LinkedLocker[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'fake-time-stand-'));

  const provision = async (lockerId: string) => {
    const r = await cloud.request<ProvisionLockerResponse>(
      'POST',
      '/api/v1/lockers',
      lockerRequest(lockerId),
    );
    if (r.status !== 201) throw new Error(`provision ${lockerId}: ${JSON.stringify(r.body)}`);
    return r.body.enrollmentToken;
  };

  const locker = async (lockerId: string, o: { token?: string; online?: boolean } = {}) => {
    const token = o.token ?? (await provision(lockerId));
    const enrolled = await cloud.request<EnrollResponse>(
      'POST',
      `/api/v1/lockers/${lockerId}/enroll`,
      {
        token,
        devicePublicKey: publicKeyToRaw(deviceKeys.publicKey),
        codeDigestKey: CODE_KEY.toString('base64url'),
      },
    );
    if (enrolled.status !== 200) throw new Error(`enrol: ${JSON.stringify(enrolled.body)}`);
    const login = loginOf(lockerId, enrolled.body);
    const config = smallLockerConfig({ lockerId });
    const f = await startFixture({ config, clock, file: join(dir, `${lockerId}.db`) });
    const onlineRecords = () =>
      cloud.logs.records.filter(
        (r) =>
          r.msg === 'presence recorded' && r['lockerId'] === lockerId && r['status'] === 'online',
      ).length;
    const linked: LinkedLocker = {
      ...f,
      lockerId,
      login,
      asLocker: () => asLocker(cloud.mqttUrl, login),
      link: null,
      async connect() {
        const before = onlineRecords();
        linked.link = CloudLink.start({
          lockerId,
          brokerUrl: cloud.mqttUrl,
          topicPrefix: 'locker/v1',
          credentials: { username: login.username!, password: login.password! },
          db: f.db,
          core: f.core,
          policy: config.policy,
          cloudPublicKey: cloudKeys.publicKey,
          log: pino({ level: process.env.LINK_LOG ?? 'silent' }),
          clock,
          publishesPerSecond: 1000,
          tuning: { backoff: { initialMs: 100, maxMs: 1000, factor: 2 } },
        });
        await until(() => onlineRecords() > before, `the cloud sees ${lockerId} online`);
      },
      async disconnect() {
        await linked.link?.close();
        linked.link = null;
      },
      payloads: (type) =>
        listEvents(f.db)
          .filter((e) => e.type === type)
          .map((e) => (JSON.parse(e.body) as { payload: Record<string, unknown> }).payload),
      async close() {
        await linked.disconnect();
        await f.core.close();
        f.db.close();
      },
    };
    lockers.push(linked);
    if (o.online ?? true) await linked.connect();
    return linked;
  };

  return {
    clock,
    cloud,
    broker,
    asCloud: () => asAccount(cloud.mqttUrl, cloudAccount),
    provision,
    locker,
    command: (id) => {
      const [row] = readCommands(cloud, 'id = ?', id);
      if (!row) throw new Error(`no command ${id}`);
      return row;
    },
    commandsOf: (lockerId) => readCommands(cloud, 'locker_id = ?', lockerId),
    async close() {
      for (const l of lockers.splice(0)) await l.close();
      await cloud.close();
      await mosquitto?.mosquitto.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readCommands(cloud: TestCloud, where: string, value: string): StoredCommandRow[] {
  const db = new Database(join(cloud.dataDir, 'cloud.sqlite'), { readonly: true });
  try {
    return db
      .prepare(
        `SELECT id, type, status, error, signed FROM commands WHERE ${where} ORDER BY issued_at, rowid`,
      )
      .all(value) as StoredCommandRow[];
  } finally {
    db.close();
  }
}
