/**
 * The cloud's ack of an event batch does not wait for the broker to acknowledge the commands
 * the batch set off: those PUBACKs can queue behind the unit's own batches on the broker's
 * connection to the cloud, and the unit's window waits on the ack. The commands stay stored and
 * are delivered once the broker takes them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolledUnit, startTestCloud, type TestCloud } from '../testSupport/cloudFixture';
import { startHoldingBroker, type HoldingBroker } from '../testSupport/holdingBroker';

const DAY = 86_400_000;
let broker: HoldingBroker;
let cloud: TestCloud;

beforeAll(async () => {
  broker = await startHoldingBroker((topic) => topic.endsWith('/commands'));
  // An open broker of the test's own that holds PUBACKs: its accounts are managed elsewhere.
  cloud = await startTestCloud({ brokerUrl: broker.url, brokerAccounts: 'managed-elsewhere' });
});
afterAll(async () => {
  broker.release();
  await cloud.close();
  await broker.close();
});

describe('acks before the commands a batch set off', () => {
  it('acks a batch with an unannounced deposit while the broker still holds the parcel.code it caused', async () => {
    const { chain, link } = await enrolledUnit(cloud, 'ACK-FIRST', 40);
    const deposit = chain.next('parcel.deposited', {
      parcelId: 'local-1',
      trackingBarcode: 'TRK-ACK-1',
      compartmentId: 'A1',
      courier: 'courier-7',
      expiresAt: new Date(cloud.clock.now() + 3 * DAY).toISOString(),
      announced: false,
    });
    await link.publishEvents([...chain.filler(2), deposit]);
    const ack = await Promise.race([
      link.acks.next(),
      new Promise<'no ack'>((resolve) => setTimeout(() => resolve('no ack'), 3000)),
    ]);
    expect(ack).toBe(3);
    // The command is still at the broker, unacknowledged and undelivered…
    expect(broker.held).toEqual(['locker/v1/ACK-FIRST/commands']);
    // …and once the broker takes it, the unit gets it.
    broker.release();
    const command = await link.commands.next();
    expect(command).toMatchObject({ type: 'parcel.code', payload: { parcelId: 'local-1' } });
    await link.close();
  });
});

describe('a unit coming online while its presence ack waits at the broker', () => {
  it('resends only the commands pending when it came online, not those its batches set off meanwhile', async () => {
    const acks = await startHoldingBroker((topic) => topic.endsWith('/acks'));
    const slow = await startTestCloud({ brokerUrl: acks.url, brokerAccounts: 'managed-elsewhere' });
    try {
      const { chain, link } = await enrolledUnit(slow, 'ACK-ONLINE', 41);
      const offlineDeposit = (parcelId: string) =>
        chain.next('parcel.deposited', {
          parcelId,
          trackingBarcode: `TRK-${parcelId}`,
          compartmentId: 'A1',
          courier: 'courier-7',
          expiresAt: new Date(slow.clock.now() + 3 * DAY).toISOString(),
          announced: false,
        });
      await link.publishRaw(link.topics.presence, JSON.stringify({ v: 1, status: 'online' }), true);
      await link.publishEvents([offlineDeposit('local-1')]);
      expect(await link.commands.next()).toMatchObject({ payload: { parcelId: 'local-1' } });
      expect(acks.held).toHaveLength(2); // the presence ack, the batch's ack
      acks.release();
      expect([await link.acks.next(), await link.acks.next()].sort()).toEqual([0, 1]);
      // The next command the unit gets is the next deposit's, not local-1's again.
      await link.publishEvents([offlineDeposit('local-2')]);
      expect(await link.commands.next()).toMatchObject({ payload: { parcelId: 'local-2' } });
      await link.close();
    } finally {
      acks.release();
      await slow.close();
      await acks.close();
    }
  });
});
