import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/shared/node/canonicalJson';
import { verifyDetached } from '../../src/shared/node/ed25519';
import type { AllocationResponse, LockerDetail } from '../../src/shared/rest/schemas';
import { DeviceChain, DeviceLink } from '../testSupport/device';
import {
  allocationRequest,
  lockerRequest,
  provisionAndEnroll,
  startTestCloud,
  type EnrolledLocker,
  type TestCloud,
} from '../testSupport/cloudFixture';

let cloud: TestCloud;
let locker: EnrolledLocker;
beforeAll(async () => {
  cloud = await startTestCloud();
  locker = await provisionAndEnroll(cloud, 'ALLOC-1');
});
afterAll(() => cloud.close());

const availability = async (id: string) =>
  (await cloud.request<LockerDetail>('GET', `/api/v1/lockers/${id}`)).body.availability;

describe('allocations', () => {
  it('never promises a size twice under 240 concurrent requests, and 409s when full', async () => {
    const big = await provisionAndEnroll(cloud, 'ALLOC-BIG', {}, 11);
    // 2 S + 2 M + 1 L fit a small parcel: 5 can be promised, the other 235 must be refused.
    const responses = await Promise.all(
      Array.from({ length: 240 }, (_, i) =>
        cloud.request<AllocationResponse & { error?: string }>(
          'POST',
          '/api/v1/allocations',
          allocationRequest(big.lockerId, `C${i}`),
        ),
      ),
    );
    const created = responses.filter((r) => r.status === 201);
    const refused = responses.filter((r) => r.status === 409);
    expect(created).toHaveLength(5);
    expect(refused).toHaveLength(235);
    for (const r of refused) expect(r.body.error).toBe('no_capacity');
    const bySize = created.reduce<Record<string, number>>((n, r) => {
      n[r.body.size] = (n[r.body.size] ?? 0) + 1;
      return n;
    }, {});
    expect(bySize).toEqual({ S: 2, M: 2, L: 1 });
    expect(await availability(big.lockerId)).toEqual({ S: 0, M: 0, L: 0, XL: 0 });
  });

  it('holds over real HTTP too: 200 parallel requests, capacity promised once', async () => {
    const l = await provisionAndEnroll(cloud, 'ALLOC-HTTP', {}, 13);
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        fetch(`${cloud.httpUrl}/api/v1/allocations`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${cloud.keys.merchant}`,
          },
          body: JSON.stringify(allocationRequest(l.lockerId, `H${i}`)),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { size?: string } })),
      ),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(5);
    expect(responses.filter((r) => r.status === 409)).toHaveLength(195);
    expect(await availability(l.lockerId)).toEqual({ S: 0, M: 0, L: 0, XL: 0 });
  });

  it('takes the smallest size that fits by sorted dimensions and weight', async () => {
    const l = await provisionAndEnroll(cloud, 'ALLOC-FIT', {}, 12);
    // 85 × 380 × 300 sorted is 85/300/380: fits S (90/350/400) only when turned over.
    const turned = await cloud.request<AllocationResponse>('POST', '/api/v1/allocations', {
      ...allocationRequest(l.lockerId, 'F1'),
      dimensions: { lengthMm: 85, widthMm: 380, heightMm: 300 },
    });
    expect(turned.status).toBe(201);
    expect(turned.body.size).toBe('S');
    const heavy = await cloud.request<AllocationResponse>('POST', '/api/v1/allocations', {
      ...allocationRequest(l.lockerId, 'F2'),
      weightG: 12_000,
    });
    expect(heavy.body.size).toBe('M');
    const tooBig = await cloud.request('POST', '/api/v1/allocations', {
      ...allocationRequest(l.lockerId, 'F3'),
      dimensions: { lengthMm: 700, widthMm: 100, heightMm: 100 },
    });
    expect(tooBig.status).toBe(409);
    expect(tooBig.body).toMatchObject({ error: 'no_compartment_fits' });
    const duplicate = await cloud.request(
      'POST',
      '/api/v1/allocations',
      allocationRequest(l.lockerId, 'F1'),
    );
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ error: 'duplicate_parcel' });
  });

  it('sends a signed parcel.expect carrying only the code digest; cancel frees the capacity once the unit confirms it', async () => {
    const device = await DeviceLink.connect(cloud.mqttUrl, locker.login, {
      cloudPublicKey: cloud.cloudPublicKey,
    });
    try {
      const before = await availability(locker.lockerId);
      const r = await cloud.request<AllocationResponse>(
        'POST',
        '/api/v1/allocations',
        allocationRequest(locker.lockerId, 'EXP-1', { holdDays: 5, accessible: true }),
      );
      expect(r.status).toBe(201);
      expect(Date.parse(r.body.expiresAt)).toBe(cloud.clock.now() + 7 * 86_400_000);
      const command = await device.commands.next();
      expect(command.type).toBe('parcel.expect');
      expect(command.lockerId).toBe(locker.lockerId);
      const { sig, ...body } = command;
      expect(verifyDetached(canonicalJson(body), sig, cloud.cloudPublicKey)).toBe(true);
      expect(
        verifyDetached(canonicalJson({ ...body, lockerId: 'OTHER' }), sig, cloud.cloudPublicKey),
      ).toBe(false);
      expect(command.payload).toMatchObject({
        parcelId: 'EXP-1',
        trackingBarcode: 'TRKEXP-1',
        accessible: true,
        holdDays: 5,
      });
      expect(command.payload['codeDigest']).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(command)).not.toMatch(/"code"/);
      expect((await availability(locker.lockerId)).S).toBe(before.S - 1);

      const cancelled = await cloud.request<{ commandId: string }>(
        'POST',
        `/api/v1/allocations/${r.body.allocationId}/cancel`,
      );
      expect(cancelled.status).toBe(200);
      const cancel = await device.commands.next();
      expect(cancel).toMatchObject({
        type: 'parcel.cancel',
        id: cancelled.body.commandId,
        payload: { parcelId: 'EXP-1' },
      });
      // Held until the unit confirms: a courier may be putting it in right now.
      expect((await availability(locker.lockerId)).S).toBe(before.S - 1);
      const chain = new DeviceChain(locker.lockerId, locker.key, cloud.clock);
      await device.publishEvents([
        chain.next('command.result', { commandId: cancel.id, type: 'parcel.cancel', ok: true }),
      ]);
      await device.acks.until((seq) => seq === 1);
      expect(await availability(locker.lockerId)).toEqual(before);
      const twice = await cloud.request(
        'POST',
        `/api/v1/allocations/${r.body.allocationId}/cancel`,
      );
      expect(twice.status).toBe(409);
      const extendCancelled = await cloud.request(
        'POST',
        `/api/v1/allocations/${r.body.allocationId}/extend`,
        { days: 1 },
      );
      expect(extendCancelled.status).toBe(409);
    } finally {
      await device.close();
    }
  });

  it('404s unknown lockers and allocations, 409s a locker that has not enrolled', async () => {
    const missing = await cloud.request(
      'POST',
      '/api/v1/allocations',
      allocationRequest('NOPE', 'X1'),
    );
    expect(missing.status).toBe(404);
    await cloud.request('POST', '/api/v1/lockers', lockerRequest('NEW-1'));
    const notEnrolled = await cloud.request(
      'POST',
      '/api/v1/allocations',
      allocationRequest('NEW-1', 'X1'),
    );
    expect(notEnrolled.status).toBe(409);
    expect(notEnrolled.body).toMatchObject({ error: 'not_enrolled' });
    const unknown = await cloud.request(
      'POST',
      '/api/v1/allocations/8f14e45f-ceea-4e7a-9d7c-0d9f3e7a1b2c/cancel',
    );
    expect(unknown.status).toBe(404);
  });
});
