import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeDigest } from '../../src/shared/node/codeDigest';
import type { AllocationResponse, LockerDetail } from '../../src/shared/rest/schemas';
import type { DeviceChain } from '../testSupport/device';
import {
  allocationRequest,
  enrolledUnit,
  inbox,
  startTestCloud,
  type TestCloud,
} from '../testSupport/cloudFixture';

const DAY = 86_400_000;
let cloud: TestCloud;
let seed = 90;

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud.close());

const unit = (id: string) => enrolledUnit(cloud, id, seed++);

const notices = (query: string) => inbox(cloud, query);
const parcels = async (id: string) =>
  (await cloud.request<LockerDetail>('GET', `/api/v1/lockers/${id}`)).body.parcels;

/** What the unit reports for a parcel a courier put in while the unit was offline. */
function offlineDeposit(
  chain: DeviceChain,
  parcelId: string,
  barcode: string,
  compartmentId: string,
) {
  return chain.next('parcel.deposited', {
    parcelId,
    trackingBarcode: barcode,
    compartmentId,
    courier: 'courier-7',
    expiresAt: new Date(cloud.clock.now() + 3 * DAY).toISOString(),
    announced: false,
  });
}

describe('parcel.merged: an offline deposit and its late announcement become one parcel', () => {
  it('folds the record made for the unannounced deposit into the allocation: one parcel, one code, one customer notice; the unit id keeps working', async () => {
    const { locker, chain, link } = await unit('MERGE-1');
    const depositedAt = cloud.clock.now();
    await link.publishEvents([offlineDeposit(chain, 'local-1', 'TRK-M1', 'B1')]);
    expect(await link.acks.next()).toBe(1);
    expect((await link.commands.next()).type).toBe('parcel.code');
    const [carrier] = await notices('parcelId=local-1');
    expect(carrier!.to).toEqual(['carrier:TRK-M1']);

    // The sender's announcement comes after the cloud heard of the deposit.
    cloud.clock.advance(3_600_000);
    const allocated = await cloud.request<AllocationResponse>(
      'POST',
      '/api/v1/allocations',
      allocationRequest('MERGE-1', 'CL-1', { trackingBarcode: 'TRK-M1', holdDays: 5 }),
    );
    expect(allocated.status).toBe(201);
    const expectCommand = await link.commands.next();
    expect(expectCommand.type).toBe('parcel.expect');
    expect(await parcels('MERGE-1')).toHaveLength(2);

    await link.publishEvents([
      chain.next('parcel.merged', {
        parcelId: 'local-1',
        cloudParcelId: 'CL-1',
        trackingBarcode: 'TRK-M1',
      }),
    ]);
    expect(await link.acks.next()).toBe(2);
    const [merged, ...others] = await parcels('MERGE-1');
    expect(others).toEqual([]);
    expect(merged).toMatchObject({
      allocationId: allocated.body.allocationId,
      parcelId: 'local-1',
      state: 'deposited',
      compartmentId: 'B1',
      size: 'S',
      holdDays: 5,
      depositedAt: new Date(depositedAt).toISOString(),
      expiresAt: new Date(depositedAt + 5 * DAY).toISOString(),
    });
    // The customer gets the allocation's code, the one the unit took with the announcement.
    const customer = await notices('to=ada@example.org');
    expect(customer.map((n) => n.kind)).toEqual(['pickup_code']);
    expect(codeDigest(locker.codeDigestKey, customer[0]!.code!)).toBe(
      expectCommand.payload['codeDigest'],
    );
    // …and the QR that came with it: the carrier's QR is as dead as the carrier's code.
    expect(codeDigest(locker.codeDigestKey, customer[0]!.qrPayload!)).toBe(
      expectCommand.payload['qrDigest'],
    );
    expect(customer[0]!.qrPayload).not.toBe(carrier!.qrPayload);
    // Found by either id; the sender's id cannot be allocated twice.
    expect((await notices('parcelId=CL-1')).map((n) => n.to[0])).toEqual([
      '+49 30 1234567',
      'carrier:TRK-M1',
    ]);
    const again = await cloud.request(
      'POST',
      '/api/v1/allocations',
      allocationRequest('MERGE-1', 'CL-1', { trackingBarcode: 'TRK-M1' }),
    );
    expect(again).toMatchObject({ status: 409, body: { error: 'duplicate_parcel' } });

    // Commands name the unit's id; its later events find the parcel.
    const extended = await cloud.request(
      'POST',
      `/api/v1/allocations/${allocated.body.allocationId}/extend`,
      { days: 1 },
    );
    expect(extended.status).toBe(200);
    expect(await link.commands.next()).toMatchObject({
      type: 'parcel.extend',
      payload: { parcelId: 'local-1', holdDays: 6 },
    });
    await link.publishEvents([
      chain.next('parcel.picked_up', { parcelId: 'local-1', compartmentId: 'B1' }),
    ]);
    expect(await link.acks.next()).toBe(3);
    expect((await parcels('MERGE-1'))[0]).toMatchObject({ state: 'picked_up' });
    expect((await notices('to=ada@example.org')).map((n) => n.kind)).toEqual([
      'picked_up',
      'pickup_code',
    ]);
    await link.close();
  });

  it('keeps the one record it matched by barcode at the deposit, remembering the sender id', async () => {
    const { locker, chain, link } = await unit('MERGE-2');
    const allocated = await cloud.request<AllocationResponse>(
      'POST',
      '/api/v1/allocations',
      allocationRequest('MERGE-2', 'CL-2', { trackingBarcode: 'TRK-M2' }),
    );
    // parcel.expect, which the offline unit did not get in time
    const announced = await link.commands.next();
    await link.publishEvents([offlineDeposit(chain, 'local-2', 'TRK-M2', 'A1')]);
    expect(await link.acks.next()).toBe(1);
    // The allocation's code and QR, the ones its customer is sent, now under the unit's id.
    const [sent] = await notices('parcelId=CL-2');
    expect(await link.commands.next()).toMatchObject({
      type: 'parcel.code',
      payload: {
        parcelId: 'local-2',
        codeDigest: announced.payload['codeDigest'],
        qrDigest: announced.payload['qrDigest'],
      },
    });
    expect(codeDigest(locker.codeDigestKey, sent!.qrPayload!)).toBe(announced.payload['qrDigest']);
    await link.publishEvents([
      chain.next('parcel.merged', {
        parcelId: 'local-2',
        cloudParcelId: 'CL-2',
        trackingBarcode: 'TRK-M2',
      }),
    ]);
    expect(await link.acks.next()).toBe(2);
    expect(await parcels('MERGE-2')).toMatchObject([
      { allocationId: allocated.body.allocationId, parcelId: 'local-2', state: 'deposited' },
    ]);
    expect((await notices('parcelId=CL-2')).map((n) => n.kind)).toEqual(['pickup_code']);
    const again = await cloud.request(
      'POST',
      '/api/v1/allocations',
      allocationRequest('MERGE-2', 'CL-2', { trackingBarcode: 'TRK-M2' }),
    );
    expect(again.status).toBe(409);
    await link.close();
  });

  it('gives the unit its own code back when the allocation was cancelled before the merge', async () => {
    const { locker, chain, link } = await unit('MERGE-3');
    await link.publishEvents([offlineDeposit(chain, 'local-3', 'TRK-M3', 'C1')]);
    expect(await link.acks.next()).toBe(1);
    await link.commands.next(); // parcel.code for the carrier's code
    const [carrier] = await notices('parcelId=local-3');
    const allocated = await cloud.request<AllocationResponse>(
      'POST',
      '/api/v1/allocations',
      allocationRequest('MERGE-3', 'CL-3', { trackingBarcode: 'TRK-M3' }),
    );
    await cloud.request('POST', `/api/v1/allocations/${allocated.body.allocationId}/cancel`);
    await link.commands.until((c) => c.type === 'parcel.cancel');
    await link.publishEvents([
      chain.next('parcel.merged', {
        parcelId: 'local-3',
        cloudParcelId: 'CL-3',
        trackingBarcode: 'TRK-M3',
      }),
    ]);
    expect(await link.acks.next()).toBe(2);
    expect(await link.commands.next()).toMatchObject({
      type: 'parcel.code',
      payload: {
        parcelId: 'local-3',
        codeDigest: codeDigest(locker.codeDigestKey, carrier!.code!),
        qrDigest: codeDigest(locker.codeDigestKey, carrier!.qrPayload!),
      },
    });
    const states = (await parcels('MERGE-3')).map((p) => `${p.parcelId}:${p.state}`).sort();
    expect(states).toEqual(['CL-3:cancelled', 'local-3:deposited']);
    // The parcel is in a compartment under the unit's id: the cancelled allocation holds none.
    expect((await parcels('MERGE-3')).find((p) => p.parcelId === 'CL-3')?.pending).toBeNull();
    await link.close();
  });
});
