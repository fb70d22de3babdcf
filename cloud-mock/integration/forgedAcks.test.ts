/**
 * Forged acks, published with the real mosquitto_pub at a unit's acks topic on the real cloud's
 * embedded broker: an unsigned one, one signed by another key, another locker's genuine one and
 * an old genuine one replayed. None moves the unit's ack, nothing is pruned, delivery goes on.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/shared/node/canonicalJson';
import { signDetached } from '../../src/shared/node/ed25519';
import { verifyMessage } from '../../src/shared/node/signedMessage';
import { AckSchema } from '../../src/shared/protocol/messages';
import { depositAndPickUp } from '../../src/main/cloud/testSupport/kioskActions';
import { cloudKeys } from '../../src/main/services/testSupport/kioskFixture';
import { LogCapture } from '../testSupport/logCapture';
import {
  attackerAccess,
  mosquittoPub,
  watchTopic,
  witnessAccess,
} from '../testSupport/mosquittoClients';
import { until } from './stand';
import { kioskOnCloud } from './testSupport/kioskOnCloud';
import { RestartableCloud } from './testSupport/linkedCloud';

const DAY_MS = 86_400_000;

let cloud: RestartableCloud;
beforeAll(async () => {
  cloud = await RestartableCloud.start();
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

describe('forged acks from the network', () => {
  it('leave the acked seq alone, prune nothing, and delivery continues', async () => {
    const logs = new LogCapture();
    const refusals = () => logs.records.filter((r) => r.msg === 'ack refused');
    // Another locker the cloud acks: the witness captures its genuine acks.
    const other = await kioskOnCloud(cloud, 'forge-other');
    // This one is provisioned but not enrolled yet: the cloud drops its events and acks nothing.
    const k = await kioskOnCloud(cloud, 'forge-unit', {
      enrolled: false,
      log: logs.logger,
      tuning: { resendAfterMs: 1000 },
    });
    const otherAcks = watchTopic(witnessAccess(cloud.mqttUrl), other.topics.acks);
    const unitAcks = watchTopic(witnessAccess(cloud.mqttUrl), k.topics.acks);
    try {
      await until(() => other.link.status().connection === 'online', 'other locker online');
      await until(() => k.link.status().connection === 'online', 'unit online');
      await depositAndPickUp(other, 'o1', '111111');
      await until(
        () => other.acked() === other.head() && otherAcks.messages.length > 0,
        'the other locker acked, and the witness saw it',
      );

      await depositAndPickUp(k, 'p1', '222222');
      const head = k.head();
      await until(() => k.link.publishedBatches > 0, 'the unit sent its events');
      expect(k.acked()).toBe(0);

      const attacker = attackerAccess(cloud.mqttUrl);
      const forged = [
        JSON.stringify({ v: 1, upToSeq: head }), // unsigned, as acks used to be
        JSON.stringify({ v: 1, lockerId: k.lockerId, upToSeq: head, at: new Date().toISOString() }),
        signedByAnotherKey(k.lockerId, head),
        otherAcks.messages.at(-1)!, // genuine, but for another locker
      ];
      for (const message of forged) {
        const r = await mosquittoPub(attacker, k.topics.acks, message);
        expect(r.code, r.stderr).toBe(0);
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

      // Enrolled at last, the cloud takes the resent events and its real acks move the unit.
      await k.enroll();
      await until(() => k.acked() === k.head(), 'the unit resent everything and the cloud acked');
      // The first ack the real cloud signed for this unit (the witness saw the forgeries too).
      const firstGenuine = unitAcks.messages.find((m) => {
        const ack = AckSchema.safeParse(JSON.parse(m));
        return (
          ack.success &&
          ack.data.lockerId === k.lockerId &&
          verifyMessage(ack.data, cloudKeys.publicKey)
        );
      })!;
      await depositAndPickUp(k, 'p2', '333333');
      await until(() => k.acked() === k.head(), 'later events acked');
      const acked = k.acked();
      // Were it taken, it would rewind the unit: it is below what is acked now.
      expect((JSON.parse(firstGenuine) as { upToSeq: number }).upToSeq).toBeLessThan(acked);

      // An old genuine ack replayed: older than the newest accepted one, so not a rewind.
      const refusedBefore = refusals().length;
      const r = await mosquittoPub(attacker, k.topics.acks, firstGenuine);
      expect(r.code, r.stderr).toBe(0);
      await until(
        () => refusals().length > refusedBefore || k.acked() !== acked,
        'the unit handled the replayed ack',
      );
      expect(k.acked()).toBe(acked);
      expect(refusals().at(-1)?.['reason']).toBe('replayed');
      expect((await cloud.audit(k.lockerId)).ackedSeq).toBe(acked);
    } finally {
      await otherAcks.stop();
      await unitAcks.stop();
      await k.close();
      await other.close();
    }
  }, 60_000);
});
