/**
 * Forged retained state snapshots, published with the real mosquitto_pub at a unit's state
 * topic on the real cloud's embedded broker: one unsigned with a huge seq, one signed by
 * another key. The broker refuses a stranger, so the forger holds the locker's own broker
 * account (a stolen broker password, not its device key): the cloud's own check must refuse
 * them. The cloud's view does not change, and the unit's next genuine snapshot is taken.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/shared/node/canonicalJson';
import { signDetached } from '../../src/shared/node/ed25519';
import type {
  AuditResponse,
  LockerDetail,
  ReconciliationResponse,
} from '../../src/shared/rest/schemas';
import { deposit } from '../../src/main/cloud/testSupport/kioskActions';
import { mosquittoPub } from '../../src/shared/node/testSupport/mosquittoClients';
import { chainHead } from '../../src/main/store/events';
import { asStranger } from '../testSupport/brokerLogins';
import { until } from './stand';
import { kioskOnCloud, type KioskOnCloud } from './testSupport/kioskOnCloud';
import { RestartableCloud } from './testSupport/linkedCloud';

let cloud: RestartableCloud;
beforeAll(async () => {
  cloud = await RestartableCloud.start();
});
afterAll(async () => {
  await cloud.close();
});

/** A snapshot saying every compartment is empty and shut, as of a seq far ahead. */
function emptyLocker(k: KioskOnCloud, seq: number) {
  return {
    v: 1,
    lockerId: k.lockerId,
    at: new Date(k.clock.now() + 60_000).toISOString(),
    seq,
    compartments: k.config.compartments.map((c) => ({
      id: c.id,
      size: c.size,
      state: 'available',
      doorOpen: false,
      parcelId: null,
      returnId: null,
    })),
  };
}

describe('forged state snapshots from the network', () => {
  it('change nothing at the cloud, and the next genuine snapshot is taken', async () => {
    const k = await kioskOnCloud(cloud, 'snap-forge');
    const reconciliation = () =>
      cloud.request<ReconciliationResponse>('GET', `/api/v1/lockers/${k.lockerId}/reconciliation`);
    const compartments = async () =>
      (await cloud.request<LockerDetail>('GET', `/api/v1/lockers/${k.lockerId}`)).compartments;
    try {
      const occupied = await deposit(k, 'p1', '111111');
      const occupiedInSnapshot = async () =>
        (await compartments()).find((c) => c.id === occupied)?.source === 'snapshot' &&
        (await reconciliation()).mismatches.length === 0;
      await until(occupiedInSnapshot, 'the genuine snapshot of the deposit is taken', 15_000);
      const viewBefore = await compartments();
      const snapshotBefore = (await reconciliation()).snapshot;
      expect(viewBefore.find((c) => c.id === occupied)).toMatchObject({ state: 'occupied' });

      const drops = () =>
        cloud.logs.records.filter(
          (r) => r.msg === 'mqtt message dropped' && String(r['topic']).endsWith('/state'),
        ).length;
      const dropsBefore = drops();
      const unsigned = emptyLocker(k, 1_000_000_000);
      const body = emptyLocker(k, 1_000_000_001);
      const otherKey = generateKeyPairSync('ed25519').privateKey;
      const wronglySigned = { ...body, sig: signDetached(canonicalJson(body), otherKey) };
      const stranger = await mosquittoPub(asStranger(cloud.mqttUrl), {
        topic: k.topics.state,
        payload: JSON.stringify(unsigned),
        retain: true,
      });
      expect(stranger.status).not.toBe(0);
      // Under the locker's client id: the unit's own session is taken over meanwhile.
      for (const forged of [unsigned, wronglySigned]) {
        const r = await mosquittoPub(k.asLocker(), {
          topic: k.topics.state,
          payload: JSON.stringify(forged),
          retain: true,
        });
        expect(r.status, r.stderr).toBe(0);
      }
      await until(
        async () =>
          drops() === dropsBefore + 2 ||
          (await reconciliation()).snapshot?.seq !== snapshotBefore?.seq,
        'the cloud handled both forged snapshots',
        15_000,
      );
      expect((await reconciliation()).snapshot).toEqual(snapshotBefore);
      expect(await compartments()).toEqual(viewBefore);

      // The unit's next genuine snapshot (after another deposit) is taken as usual.
      const second = await deposit(k, 'p2', '222222');
      await until(
        async () => {
          const c = (await compartments()).find((x) => x.id === second);
          return c?.state === 'occupied' && c.source === 'snapshot';
        },
        'the next genuine snapshot is taken',
        15_000,
      );
      const after = await reconciliation();
      expect(after.snapshot!.seq).toBeGreaterThan(snapshotBefore!.seq);
      expect(after.snapshot!.seq).toBeLessThanOrEqual(k.head());
      // The locker's chain verifies at the cloud, and its view agrees with the unit's.
      await until(() => k.acked() === k.head(), 'every event acked', 15_000);
      expect(
        await cloud.request<AuditResponse>('GET', `/api/v1/lockers/${k.lockerId}/audit`),
      ).toMatchObject({
        ackedSeq: k.head(),
        lastHash: chainHead(k.db)!.hash,
        gaps: [],
        brokenLinks: [],
        flagged: false,
      });
      expect(after.mismatches).toEqual([]);
    } finally {
      await k.close();
    }
  }, 60_000);
});
