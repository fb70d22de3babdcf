/**
 * Forged acks, published with the real mosquitto_pub at a unit's acks topic: an unsigned one,
 * one signed by another key, another locker's genuine one and an old genuine one replayed. None
 * moves the unit's ack, nothing is pruned, delivery goes on.
 *
 * The broker refuses strangers, so the forger holds the cloud's own broker account (read from
 * its data dir: a compromised broker password, but not the signing key), the one identity the
 * broker lets publish acks; the genuine acks were collected by someone holding each locker's
 * broker password. The unit's own check is what stands. It runs on Mosquitto set up from the
 * cloud's data dir, because the unit must be online with events the cloud has not confirmed:
 * the cloud is down while its broker stays up, as it can be in a deployment.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/shared/node/canonicalJson';
import { signDetached } from '../../src/shared/node/ed25519';
import { mosquittoPub } from '../../src/shared/node/testSupport/mosquittoClients';
import type { ReconciliationResponse } from '../../src/shared/rest/schemas';
import { depositAndPickUp } from '../../src/main/cloud/testSupport/kioskActions';
import { cloudKeys } from '../../src/main/services/testSupport/kioskFixture';
import { chainHead } from '../../src/main/store/events';
import { asStranger } from '../testSupport/brokerLogins';
import { DeviceLink, type DeviceLogin } from '../testSupport/device';
import { LogCapture } from '../testSupport/logCapture';
import { until } from './stand';
import { kioskOnCloud } from './testSupport/kioskOnCloud';
import { RestartableCloud } from './testSupport/linkedCloud';

const DAY_MS = 86_400_000;

let cloud: RestartableCloud;
beforeAll(async () => {
  cloud = await RestartableCloud.start({ broker: 'mosquitto' });
});
afterAll(async () => {
  await cloud.close();
});

/** An ack as the cloud would write it, signed with a key that is not the cloud's. */
function signedByAnotherKey(lockerId: string, upToSeq: number): string {
  const body = { v: 1, lockerId, upToSeq, at: new Date().toISOString() };
  const { privateKey } = generateKeyPairSync('ed25519');
  return JSON.stringify({ ...body, sig: signDetached(canonicalJson(body), privateKey) });
}

/**
 * A genuine ack the cloud signed for this locker, as whoever holds its broker password gets
 * one: log in as the locker, say "online", and keep the ack the cloud answers with.
 */
async function collectAck(login: DeviceLogin): Promise<string> {
  const link = await DeviceLink.connect(cloud.mqttUrl, login, {
    cloudPublicKey: cloudKeys.publicKey,
  });
  try {
    await link.publishRaw(link.topics.presence, JSON.stringify({ v: 1, status: 'online' }));
    await link.acks.next();
    return JSON.stringify(link.signedAcks[0]);
  } finally {
    await link.close();
  }
}

describe('forged acks from the network', () => {
  it('leave the acked seq alone, prune nothing, and delivery continues', async () => {
    const logs = new LogCapture();
    const refusals = () => logs.records.filter((r) => r.msg === 'ack refused');
    const other = await kioskOnCloud(cloud, 'forge-other', { online: false });
    const k = await kioskOnCloud(cloud, 'forge-unit', {
      online: false,
      log: logs.logger,
      tuning: { resendAfterMs: 1000 },
    });
    try {
      const otherAck = await collectAck(other.login);
      const oldAck = await collectAck(k.login);

      // The cloud goes down, its broker stays up: the unit connects and logs, nobody acks.
      await cloud.down();
      k.connect();
      await until(() => k.link.status().connection === 'online', 'unit online');
      await depositAndPickUp(k, 'p1', '222222');
      const head = k.head();
      await until(() => k.link.publishedBatches > 0, 'the unit sent its events');
      expect(k.acked()).toBe(0);

      const forged = [
        JSON.stringify({ v: 1, upToSeq: head }), // unsigned, as acks used to be
        JSON.stringify({ v: 1, lockerId: k.lockerId, upToSeq: head, at: new Date().toISOString() }),
        signedByAnotherKey(k.lockerId, head),
        otherAck, // genuine, but for another locker
      ];
      const stranger = await mosquittoPub(asStranger(cloud.mqttUrl), {
        topic: k.topics.acks,
        payload: forged[0]!,
      });
      expect(stranger.status).not.toBe(0);
      for (const payload of forged) {
        const r = await mosquittoPub(cloud.asCloud(), { topic: k.topics.acks, payload });
        expect(r.status, r.stderr).toBe(0);
      }
      await until(
        () => refusals().length === forged.length || k.acked() !== 0,
        'the unit handled every forged ack',
      );
      expect(k.acked()).toBe(0);
      expect(refusals().map((r) => r['reason'])).toEqual([
        'invalid_schema',
        'invalid_schema',
        'bad_signature',
        'wrong_locker',
      ]);

      // Long past the retention period: still nothing is pruned, since nothing was confirmed.
      k.clock.advance(60 * DAY_MS);
      await k.core.tick();
      expect(k.held()).toBe(head);

      // The cloud is back: it takes the resent events and its real acks move the unit.
      await cloud.up();
      await until(() => k.acked() === k.head(), 'the unit resent everything and the cloud acked');
      await depositAndPickUp(k, 'p2', '333333');
      await until(() => k.acked() === k.head(), 'later events acked');
      const acked = k.acked();
      // Were it taken, the old genuine ack would rewind the unit: it is below what is acked now.
      expect((JSON.parse(oldAck) as { upToSeq: number }).upToSeq).toBeLessThan(acked);

      // An old genuine ack replayed: older than the newest accepted one, so not a rewind.
      const refusedBefore = refusals().length;
      const r = await mosquittoPub(cloud.asCloud(), { topic: k.topics.acks, payload: oldAck });
      expect(r.status, r.stderr).toBe(0);
      await until(
        () => refusals().length > refusedBefore || k.acked() !== acked,
        'the unit handled the replayed ack',
      );
      expect(k.acked()).toBe(acked);
      expect(refusals().at(-1)?.['reason']).toBe('replayed');

      // After the attacks the chain verifies at the cloud, whose view agrees with the unit's.
      await until(() => k.acked() === k.head(), 'every event acked');
      expect(await cloud.audit(k.lockerId)).toMatchObject({
        ackedSeq: k.head(),
        lastHash: chainHead(k.db)!.hash,
        gaps: [],
        brokenLinks: [],
        flagged: false,
      });
      await until(
        async () =>
          (
            await cloud.request<ReconciliationResponse>(
              'GET',
              `/api/v1/lockers/${k.lockerId}/reconciliation`,
            )
          ).mismatches.length === 0,
        "the cloud's view agrees with the unit's",
        15_000,
      );
    } finally {
      await k.close();
      await other.close();
    }
  }, 60_000);
});
