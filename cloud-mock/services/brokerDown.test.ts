import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mosquitto } from '../../src/shared/node/testSupport/mosquitto';
import { listCommands } from '../store/commands';
import { openDatabase } from '../store/database';
import {
  allocationRequest,
  LAYOUT,
  provisionAndEnroll,
  startTestCloud,
  type EnrolledLocker,
  type TestCloud,
} from '../testSupport/cloudFixture';
import { DeviceChain, DeviceLink } from '../testSupport/device';

// The broker process really stopped (a Mosquitto of the test's own, killed and started again on
// the same port, without persistence): the REST API must not wait for it, and every command it
// accepted meanwhile must reach the unit once the broker is back.
describe('mutating REST calls while the broker is down', () => {
  let mosquitto: Mosquitto;
  let cloud: TestCloud;
  let locker: EnrolledLocker;

  beforeAll(async () => {
    mosquitto = await Mosquitto.start();
    cloud = await startTestCloud({ brokerUrl: mosquitto.url, brokerAccounts: 'managed-elsewhere' });
    // Room for both rounds of mutations below: S×4, M×4, L×2.
    const compartments = [
      ...LAYOUT,
      ...LAYOUT.map((c) => ({ ...c, id: c.id.replace(/\d/, (d) => String(Number(d) + 2)) })),
    ];
    locker = await provisionAndEnroll(cloud, 'DOWN-1', { compartments });
  });
  afterAll(async () => {
    await cloud.close();
    await mosquitto.close();
  });

  const pendingIds = () => {
    const db = openDatabase(join(cloud.dataDir, 'cloud.sqlite'));
    try {
      return listCommands(db, locker.lockerId)
        .filter((c) => c.status === 'pending')
        .map((c) => c.id);
    } finally {
      db.close();
    }
  };

  /** Every mutation a merchant or operator makes in a day, each timed. */
  async function mutations(tag: string) {
    const timed: { call: string; status: number; ms: number }[] = [];
    const call = async <T>(name: string, made: Promise<{ status: number; body: T }>) => {
      const started = performance.now();
      const r = await made;
      timed.push({ call: name, status: r.status, ms: performance.now() - started });
      return r;
    };
    const l = locker.lockerId;
    const a = await call<{ allocationId: string }>(
      'allocate',
      cloud.request('POST', '/api/v1/allocations', allocationRequest(l, `${tag}-1`), 'merchant'),
    );
    await call(
      'allocate again',
      cloud.request('POST', '/api/v1/allocations', allocationRequest(l, `${tag}-2`), 'merchant'),
    );
    await call(
      'cancel',
      cloud.request('POST', `/api/v1/allocations/${a.body.allocationId}/cancel`, undefined),
    );
    const r = await call<{ returnId: string }>(
      'return',
      cloud.request('POST', '/api/v1/returns', {
        lockerId: l,
        size: 'M',
        customer: { name: 'Ada', email: 'ada@example.org' },
      }),
    );
    await call('cancel return', cloud.request('POST', `/api/v1/returns/${r.body.returnId}/cancel`));
    await call(
      'open remotely',
      cloud.request('POST', `/api/v1/lockers/${l}/open`, {
        compartmentId: 'A1',
        reason: 'customer locked out',
      }),
    );
    await call('policy', cloud.request('PUT', `/api/v1/lockers/${l}/policy`, { codeLength: 8 }));
    return timed;
  }

  it('answers each as fast as with the broker up, and the unit gets every command once it is back', async () => {
    const up = await mutations('UP');
    expect(up.map((t) => t.status)).toEqual([201, 201, 200, 201, 200, 202, 200]);
    const before = new Set(pendingIds());

    await mosquitto.stop();
    const down = await mutations('DOWN');
    expect(down.map((t) => t.status)).toEqual([201, 201, 200, 201, 200, 202, 200]);
    // Within a second, and no slower than the same calls with the broker up allow for noise.
    const slowest = (ts: typeof up) => Math.max(...ts.map((t) => t.ms));
    expect(slowest(down), JSON.stringify(down)).toBeLessThan(Math.max(1000, 3 * slowest(up)));
    // Durable before the answer: each waits in the store.
    const issued = pendingIds().filter((id) => !before.has(id));
    expect(issued).toHaveLength(7);

    const mark = cloud.logs.records.length;
    await mosquitto.resume();
    await cloud.logs.waitFor(
      (rec) => cloud.logs.records.indexOf(rec) >= mark && rec.msg === 'mqtt connected',
    );
    // A unit connecting after the cloud: what the cloud's client flushed on reconnect may have
    // found nobody subscribed (no persistence); the resend timer sends it again.
    const unit = await DeviceLink.connect(mosquitto.url, locker.login, {
      cloudPublicKey: cloud.cloudPublicKey,
    });
    try {
      const got = new Set<string>();
      for (let pass = 0; pass < 40 && !issued.every((id) => got.has(id)); pass++) {
        cloud.clock.advance(60_000);
        await cloud.tick();
        await new Promise((resolve) => setTimeout(resolve, 100));
        for (const c of unit.commands.all) got.add(c.id);
      }
      expect(issued.filter((id) => !got.has(id))).toEqual([]);

      // Answered: no longer pending, never sent again.
      const chain = new DeviceChain(locker.lockerId, locker.key, cloud.clock);
      const results = unit.commands.all
        .filter((c, i, all) => all.findIndex((x) => x.id === c.id) === i)
        .map((c) => chain.next('command.result', { commandId: c.id, type: c.type, ok: true }));
      await unit.publishEvents(results);
      await unit.acks.until((seq) => seq === results.at(-1)!.seq);
      expect(pendingIds()).toEqual([]);
    } finally {
      await unit.close();
    }
  });
});
