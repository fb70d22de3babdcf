/** Test support: a KioskCore fixture (real SQLite, memory lock board) with a CloudLink to a broker. */
import pino, { type Logger } from 'pino';
import { CloudLink, type LinkTuning } from '../cloudLink';
import {
  cloudKeys,
  deviceKeys,
  smallLockerConfig,
  startFixture,
  type Fixture,
} from '../../services/testSupport/kioskFixture';
import { CloudPeer } from './cloudPeer';

export interface LinkedKiosk extends Fixture {
  link: CloudLink;
  peer: CloudPeer;
  close(): Promise<void>;
}

export async function startLinkedKiosk(
  brokerUrl: string,
  lockerId: string,
  o: {
    publishesPerSecond?: number;
    tuning?: Partial<LinkTuning>;
    autoAck?: boolean;
    file?: string;
    log?: Logger;
    /** Where the link connects, when not straight to the broker (a relay in between). */
    linkUrl?: string;
  } = {},
): Promise<LinkedKiosk> {
  const config = smallLockerConfig({ lockerId });
  const f = await startFixture({ config, ...(o.file ? { file: o.file } : {}) });
  const peer = await CloudPeer.connect({
    url: brokerUrl,
    lockerId,
    devicePublicKey: deviceKeys.publicKey,
    cloudPrivateKey: cloudKeys.privateKey,
    autoAck: o.autoAck ?? true,
    now: f.clock.now,
  });
  const link = CloudLink.start({
    lockerId,
    brokerUrl: o.linkUrl ?? brokerUrl,
    topicPrefix: 'locker/v1',
    db: f.db,
    core: f.core,
    policy: config.policy,
    cloudPublicKey: cloudKeys.publicKey,
    log: o.log ?? pino({ level: process.env.LINK_LOG ?? 'silent' }),
    clock: f.clock,
    publishesPerSecond: o.publishesPerSecond ?? 1000,
    softwareVersion: '0.1.0-test',
    tuning: { backoff: { initialMs: 100, maxMs: 1000, factor: 2 }, ...o.tuning },
  });
  return {
    ...f,
    link,
    peer,
    async close() {
      await link.close();
      await peer.close();
      await f.core.close();
      f.db.close();
    },
  };
}
