/**
 * Test support: a real KioskCore on a SQLite file (kiosk fixture: memory lock board, a clock the
 * test moves) with its real CloudLink to a RestartableCloud, provisioned and enrolled there
 * through the cloud's REST API with the fixture's device key, and logged in to the broker with
 * the identity that enrolment issued.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { publicKeyToRaw } from '../../../src/shared/node/ed25519';
import type { BrokerTarget } from '../../../src/shared/node/testSupport/mosquittoClients';
import { lockerTopics, type LockerTopics } from '../../../src/shared/protocol/topics';
import type { EnrollResponse, ProvisionLockerResponse } from '../../../src/shared/rest/schemas';
import { CloudLink, type LinkTuning } from '../../../src/main/cloud/cloudLink';
import {
  CODE_KEY,
  cloudKeys,
  deviceKeys,
  FakeClock,
  smallLockerConfig,
  startFixture,
  type Fixture,
} from '../../../src/main/services/testSupport/kioskFixture';
import { ackedSeq, chainHead, countEvents } from '../../../src/main/store/events';
import { asLocker } from '../../testSupport/brokerLogins';
import { loginOf } from '../../testSupport/cloudFixture';
import type { DeviceLogin } from '../../testSupport/device';
import type { RestartableCloud } from './linkedCloud';

export interface KioskOnCloud extends Fixture {
  lockerId: string;
  /** The running link (throws before `connect()` when started with `online: false`). */
  link: CloudLink;
  topics: LockerTopics;
  /** The broker identity its enrolment issued. */
  login: DeviceLogin;
  /** This locker's broker account, as a thief of its password has it (not its device key). */
  asLocker(): BrokerTarget;
  /** Starts the link (once). */
  connect(): void;
  head(): number;
  acked(): number;
  held(): number;
  close(): Promise<void>;
}

/** POST /lockers with the fixture's compartments; returns the one-time enrolment token. */
async function provision(cloud: RestartableCloud, f: Fixture, lockerId: string): Promise<string> {
  const r = await cloud.request<ProvisionLockerResponse>('POST', '/api/v1/lockers', {
    id: lockerId,
    name: `Locker ${lockerId}`,
    address: 'Hauptstraße 1, Berlin',
    lat: 52.52,
    lng: 13.405,
    compartments: f.config.compartments.map(({ id, size, inner, maxWeightG, lowerDoor }) => ({
      id,
      size,
      inner,
      maxWeightG,
      lowerDoor,
    })),
  });
  return r.enrollmentToken;
}

/**
 * Provisions and enrols the locker, starts the kiosk core, and its link at once unless
 * `online: false` (then `connect()` starts it).
 */
export async function kioskOnCloud(
  cloud: RestartableCloud,
  lockerId: string,
  o: { online?: boolean; tuning?: Partial<LinkTuning>; log?: Logger } = {},
): Promise<KioskOnCloud> {
  const dir = mkdtempSync(join(tmpdir(), `kiosk-${lockerId}-`));
  const config = smallLockerConfig({ lockerId });
  // On the cloud's time to begin with, so the unit takes the commands the cloud sends.
  const f = await startFixture({
    config,
    file: join(dir, 'kiosk.db'),
    clock: new FakeClock(Date.now()),
  });
  const token = await provision(cloud, f, lockerId);
  const enrollment = await cloud.request<EnrollResponse>(
    'POST',
    `/api/v1/lockers/${lockerId}/enroll`,
    {
      token,
      devicePublicKey: publicKeyToRaw(deviceKeys.publicKey),
      codeDigestKey: CODE_KEY.toString('base64url'),
    },
  );
  const login = loginOf(lockerId, enrollment);
  let link: CloudLink | null = null;
  const connect = () => {
    link ??= CloudLink.start({
      lockerId,
      brokerUrl: cloud.mqttUrl,
      topicPrefix: 'locker/v1',
      credentials: { username: login.username!, password: login.password! },
      db: f.db,
      core: f.core,
      policy: config.policy,
      cloudPublicKey: cloudKeys.publicKey,
      log: o.log ?? pino({ level: process.env['LINK_LOG'] ?? 'silent' }),
      clock: f.clock,
      publishesPerSecond: 1000,
      softwareVersion: '0.1.0-test',
      tuning: { backoff: { initialMs: 100, maxMs: 500, factor: 2 }, ...o.tuning },
    });
  };
  if (o.online ?? true) connect();
  return {
    ...f,
    lockerId,
    get link() {
      if (!link) throw new Error(`${lockerId} has no link yet: call connect()`);
      return link;
    },
    topics: lockerTopics('locker/v1', lockerId),
    login,
    asLocker: () => asLocker(cloud.mqttUrl, login),
    connect,
    head: () => chainHead(f.db)?.seq ?? 0,
    acked: () => ackedSeq(f.db),
    held: () => countEvents(f.db),
    async close() {
      await link?.close();
      await f.core.close();
      f.db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
