/**
 * Test support: a real KioskCore on a SQLite file (kiosk fixture: memory lock board, a clock the
 * test moves) with its real CloudLink to a RestartableCloud, provisioned and enrolled there
 * through the cloud's REST API with the fixture's device key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { publicKeyToRaw } from '../../../src/shared/node/ed25519';
import { lockerTopics, type LockerTopics } from '../../../src/shared/protocol/topics';
import type { ProvisionLockerResponse } from '../../../src/shared/rest/schemas';
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
import type { RestartableCloud } from './linkedCloud';

export interface KioskOnCloud extends Fixture {
  lockerId: string;
  link: CloudLink;
  topics: LockerTopics;
  /** The enrolment token, until `enroll` uses it. */
  token: string;
  enroll(): Promise<void>;
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
 * Provisions the locker, starts the kiosk core and its link; enrols it at once unless
 * `enrolled: false` (then the cloud drops what the unit sends until `enroll()`).
 */
export async function kioskOnCloud(
  cloud: RestartableCloud,
  lockerId: string,
  o: { enrolled?: boolean; tuning?: Partial<LinkTuning>; log?: Logger } = {},
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
  const enroll = async () => {
    await cloud.request('POST', `/api/v1/lockers/${lockerId}/enroll`, {
      token,
      devicePublicKey: publicKeyToRaw(deviceKeys.publicKey),
      codeDigestKey: CODE_KEY.toString('base64url'),
    });
  };
  if (o.enrolled ?? true) await enroll();
  const link = CloudLink.start({
    lockerId,
    brokerUrl: cloud.mqttUrl,
    topicPrefix: 'locker/v1',
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
  return {
    ...f,
    lockerId,
    link,
    topics: lockerTopics('locker/v1', lockerId),
    token,
    enroll,
    head: () => chainHead(f.db)?.seq ?? 0,
    acked: () => ackedSeq(f.db),
    held: () => countEvents(f.db),
    async close() {
      await link.close();
      await f.core.close();
      f.db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
