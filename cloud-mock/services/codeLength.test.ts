/**
 * Code length is a per-locker policy held by the cloud: set at provisioning (the cloud's
 * default otherwise), used for every pickup and return code the locker gets, changed with
 * PUT /api/v1/lockers/{id}/policy, and sent to the unit as config.update.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeDigest } from '../../src/shared/node/codeDigest';
import type { LockerDetail, LockerPolicyResponse } from '../../src/shared/rest/schemas';
import { DeviceChain, DeviceLink } from '../testSupport/device';
import { DEFAULT_POLICY } from './context';
import {
  allocationRequest,
  inbox,
  lockerRequest,
  provisionAndEnroll,
  startTestCloud,
  type EnrolledLocker,
  type TestCloud,
} from '../testSupport/cloudFixture';

let cloud: TestCloud;
let seed = 80;
beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud.close());

const detail = async (id: string) =>
  (await cloud.request<LockerDetail>('GET', `/api/v1/lockers/${id}`)).body;
const setLength = (id: string, body: unknown) =>
  cloud.request<LockerPolicyResponse>('PUT', `/api/v1/lockers/${id}/policy`, body);

async function unit(id: string, codeLength?: number) {
  const locker = await provisionAndEnroll(cloud, id, codeLength ? { codeLength } : {}, seed++);
  return { locker, chain: new DeviceChain(id, locker.key, cloud.clock) };
}

/** The unit reports a deposit; the plain code the customer (or carrier) was sent. */
async function depositedCode(
  link: DeviceLink,
  chain: DeviceChain,
  parcelId: string,
  compartmentId: string,
  announced = true,
): Promise<string> {
  await link.publishEvents([
    chain.next('parcel.deposited', {
      parcelId,
      trackingBarcode: `TRK${parcelId}`,
      compartmentId,
      courier: 'courier-7',
      expiresAt: new Date(cloud.clock.now() + 3 * 86_400_000).toISOString(),
      announced,
    }),
  ]);
  await link.acks.next();
  const [sent] = (await inbox(cloud, `parcelId=${parcelId}`)).filter(
    (n) => n.kind === 'pickup_code',
  );
  return sent!.code!;
}

const allocate = async (link: DeviceLink, lockerId: string, parcelId: string) => {
  expect(
    (await cloud.request('POST', '/api/v1/allocations', allocationRequest(lockerId, parcelId)))
      .status,
  ).toBe(201);
  const command = await link.commands.until((c) => c.type === 'parcel.expect');
  return String(command.payload['codeDigest']);
};

const digestOf = (locker: EnrolledLocker, code: string) => codeDigest(locker.codeDigestKey, code);

describe('a code length per locker', () => {
  it("provisions at the cloud's default, or at a length of 6–10 given, and refuses others", async () => {
    await unit('LEN-DEFAULT');
    expect((await detail('LEN-DEFAULT')).codeLength).toBe(DEFAULT_POLICY.codeLength);
    expect(DEFAULT_POLICY.codeLength).toBe(8); // the length that meets the brute-force goal
    await unit('LEN-TEN', 10);
    expect((await detail('LEN-TEN')).codeLength).toBe(10);
    for (const codeLength of [5, 11, 8.5, '8']) {
      const r = await cloud.request('POST', '/api/v1/lockers', {
        ...lockerRequest('LEN-BAD'),
        codeLength,
      });
      expect(r.status, String(codeLength)).toBe(400);
      expect(r.body).toMatchObject({ problems: [{ path: 'body.codeLength' }] });
    }
    expect((await cloud.request('GET', '/api/v1/lockers/LEN-BAD')).status).toBe(404);

    const other = await startTestCloud({ policy: { codeLength: 7 } });
    try {
      await other.request('POST', '/api/v1/lockers', lockerRequest('LEN-OTHER'));
      const r = await other.request<LockerDetail>('GET', '/api/v1/lockers/LEN-OTHER');
      expect(r.body.codeLength).toBe(7);
    } finally {
      await other.close();
    }
  });

  it("issues announced, unannounced and return codes at the locker's length", async () => {
    const { locker, chain } = await unit('LEN-NINE', 9);
    const link = await DeviceLink.connect(cloud.mqttUrl, locker.login, {
      cloudPublicKey: cloud.cloudPublicKey,
    });
    try {
      const expected = await allocate(link, 'LEN-NINE', 'P-9');
      const code = await depositedCode(link, chain, 'P-9', 'A1');
      expect(code).toMatch(/^[0-9]{9}$/);
      expect(digestOf(locker, code)).toBe(expected);

      const unannounced = await depositedCode(link, chain, 'dev-9', 'A2', false);
      expect(unannounced).toMatch(/^[0-9]{9}$/);
      const sent = await link.commands.until((c) => c.type === 'parcel.code');
      expect(sent.payload['codeDigest']).toBe(digestOf(locker, unannounced));

      const r = await cloud.request<{ returnCode: string }>('POST', '/api/v1/returns', {
        lockerId: 'LEN-NINE',
        size: 'M',
        customer: { name: 'Grace', email: 'grace@example.org' },
      });
      expect(r.body.returnCode).toMatch(/^[0-9]{9}$/);
      const expect9 = await link.commands.until((c) => c.type === 'return.expect');
      expect(expect9.payload['codeDigest']).toBe(digestOf(locker, r.body.returnCode));
    } finally {
      await link.close();
    }
  });

  it('PUT …/policy sends config.update; new codes get the new length, a code issued before keeps its digest', async () => {
    const { locker, chain } = await unit('LEN-CHANGE', 6);
    const link = await DeviceLink.connect(cloud.mqttUrl, locker.login, {
      cloudPublicKey: cloud.cloudPublicKey,
    });
    try {
      const before = await allocate(link, 'LEN-CHANGE', 'P-OLD');

      const r = await setLength('LEN-CHANGE', { codeLength: 8 });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ lockerId: 'LEN-CHANGE', codeLength: 8 });
      const update = await link.commands.until((c) => c.id === r.body.commandId);
      expect(update).toMatchObject({ id: r.body.commandId, payload: { codeLength: 8 } });
      expect((await detail('LEN-CHANGE')).codeLength).toBe(8);
      // The same length again is sent again: a PUT also repairs a unit that disagrees.
      const again = await setLength('LEN-CHANGE', { codeLength: 8 });
      expect(again.body.commandId).not.toBe(r.body.commandId);
      const resent = await link.commands.until((c) => c.id === again.body.commandId);
      expect(resent).toMatchObject({ id: again.body.commandId, payload: { codeLength: 8 } });

      const after = await allocate(link, 'LEN-CHANGE', 'P-NEW');
      const newCode = await depositedCode(link, chain, 'P-NEW', 'A1');
      expect(newCode).toMatch(/^[0-9]{8}$/);
      expect(digestOf(locker, newCode)).toBe(after);
      // The customer of the parcel allocated before gets the 6-digit code the unit holds.
      const oldCode = await depositedCode(link, chain, 'P-OLD', 'A2');
      expect(oldCode).toMatch(/^[0-9]{6}$/);
      expect(digestOf(locker, oldCode)).toBe(before);
    } finally {
      await link.close();
    }
  });

  it('a length set before the unit first comes online reaches it then, as config.update', async () => {
    const early = await unit('LEN-EARLY', 7);
    const later = await unit('LEN-LATER');
    expect((await setLength('LEN-LATER', { codeLength: 10 })).status).toBe(200);
    for (const [{ locker }, codeLength] of [
      [early, 7],
      [later, 10],
    ] as const) {
      const link = await DeviceLink.connect(cloud.mqttUrl, locker.login, {
        cloudPublicKey: cloud.cloudPublicKey,
      });
      try {
        await link.publishRaw(link.topics.presence, JSON.stringify({ v: 1, status: 'online' }));
        const update = await link.commands.until((c) => c.type === 'config.update');
        expect(update.payload).toEqual({ codeLength });
      } finally {
        await link.close();
      }
    }
  });

  it('refuses a bad length or an unknown field with 400 and an unknown locker with 404, changing nothing', async () => {
    await unit('LEN-REFUSE');
    for (const body of [{ codeLength: 5 }, { codeLength: 11 }, {}, { codeLength: 8, pin: 1 }]) {
      const r = await setLength('LEN-REFUSE', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    expect((await detail('LEN-REFUSE')).codeLength).toBe(DEFAULT_POLICY.codeLength);
    const missing = await setLength('NOPE', { codeLength: 8 });
    expect(missing).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });
});
