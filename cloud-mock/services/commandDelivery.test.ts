import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllocationResponse } from '../../src/shared/rest/schemas';
import { listCommands } from '../store/commands';
import { openDatabase } from '../store/database';
import { join } from 'node:path';
import { DeviceLink } from '../testSupport/device';
import { Mosquitto } from '../../src/shared/node/testSupport/mosquitto';
import { startTcpRelay, type TcpRelay } from '../testSupport/tcpRelay';
import {
  allocationRequest,
  provisionAndEnroll,
  startTestCloud,
  type TestCloud,
} from '../testSupport/cloudFixture';

// The cloud reaches Mosquitto through a relay the test can hold; the unit reaches it directly.
describe('command delivery when the broker stops answering the cloud', () => {
  let mosquitto: Mosquitto;
  let relay: TcpRelay;
  let cloud: TestCloud;

  beforeAll(async () => {
    mosquitto = await Mosquitto.start();
    relay = await startTcpRelay(new URL(mosquitto.url));
    // An open Mosquitto of the test's own behind a relay: its accounts are managed elsewhere.
    cloud = await startTestCloud({ brokerUrl: relay.url, brokerAccounts: 'managed-elsewhere' });
  });
  afterAll(async () => {
    await cloud.close();
    await relay.close();
    await mosquitto.stop();
  });

  const storedCommands = (lockerId: string) => {
    const db = openDatabase(join(cloud.dataDir, 'cloud.sqlite'));
    try {
      return listCommands(db, lockerId);
    } finally {
      db.close();
    }
  };

  it('answers an allocation once it is stored, without waiting for the broker’s PUBACK; the unit gets the command when the broker answers again', async () => {
    const locker = await provisionAndEnroll(cloud, 'PUBACK-1');
    const unit = await DeviceLink.connect(mosquitto.url, locker.login, {
      cloudPublicKey: cloud.cloudPublicKey,
    });
    relay.hold();
    const answered = await Promise.race([
      cloud.request<AllocationResponse>(
        'POST',
        '/api/v1/allocations',
        allocationRequest(locker.lockerId, 'P-HELD'),
        'merchant',
      ),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 3_000)),
    ]);
    expect(answered?.status).toBe(201);
    // Durable before the answer: the signed command waits in the store, pending.
    expect(storedCommands(locker.lockerId)).toMatchObject([
      { type: 'parcel.expect', status: 'pending' },
    ]);
    expect(unit.commands.all).toEqual([]);

    relay.release();
    const command = await unit.commands.next();
    expect(command).toMatchObject({ type: 'parcel.expect', payload: { parcelId: 'P-HELD' } });
    await unit.close();
  });
});
