/**
 * Broker accounts managed elsewhere (the operator gives each unit its identity, e.g. an X.509
 * certificate on AWS IoT Core): enrolment hands out no credentials, and the cloud still judges
 * what reaches it on its own, dropping events for a locker it never provisioned. The Mosquitto
 * here lets anyone in, standing for a broker whose rules are not this cloud's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mosquitto } from '../../src/shared/node/testSupport/mosquitto';
import { provisionAndEnroll, startTestCloud, type TestCloud } from '../testSupport/cloudFixture';
import { DeviceChain, DeviceLink } from '../testSupport/device';

let mosquitto: Mosquitto;
let cloud: TestCloud;

beforeAll(async () => {
  mosquitto = await Mosquitto.start();
  // No credentials: such a broker may know the cloud by its client certificate alone.
  cloud = await startTestCloud({ brokerUrl: mosquitto.url, brokerAccounts: 'managed-elsewhere' });
});
afterAll(async () => {
  await cloud.close();
  await mosquitto.close();
});

describe('broker accounts managed elsewhere', () => {
  it('enrols without issuing broker credentials', async () => {
    const locker = await provisionAndEnroll(cloud, 'ELSE-1');
    expect(locker.enrollment.mqtt).toEqual({ url: mosquitto.url, topicPrefix: 'locker/v1' });
  });

  it('drops events for a locker it never provisioned, with the reason', async () => {
    const locker = await provisionAndEnroll(cloud, 'ELSE-2', {}, 62);
    const link = await DeviceLink.connect(cloud.mqttUrl, locker.login, {
      cloudPublicKey: cloud.cloudPublicKey,
    });
    try {
      const stranger = new DeviceChain('NOT-PROVISIONED', locker.key).filler(1);
      await link.publishRaw(
        'locker/v1/NOT-PROVISIONED/events',
        JSON.stringify({ v: 1, events: stranger }),
      );
      await cloud.logs.waitFor(
        (r) => r.msg === 'mqtt message dropped' && r['reason'] === 'unknown_locker',
      );
      // The link and the cloud's go on: its own batch is acked.
      await link.publishEvents(new DeviceChain('ELSE-2', locker.key).filler(1));
      expect(await link.acks.next()).toBe(1);
    } finally {
      await link.close();
    }
  });
});
