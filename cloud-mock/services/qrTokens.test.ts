/**
 * QR tokens (src/shared/qrToken.ts): every pickup and return code the cloud issues comes with a
 * 128-bit token; the customer's message carries its payload, the unit only its digest.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeDigest } from '../../src/shared/node/codeDigest';
import type { Notification } from '../../src/shared/rest/schemas';
import type { DeviceChain } from '../testSupport/device';
import {
  allocationRequest,
  enrolledUnit,
  inbox,
  startTestCloud,
  type TestCloud,
} from '../testSupport/cloudFixture';

const PICKUP_QR = /^LKP2:[A-Za-z0-9_-]{22}$/;
const RETURN_QR = /^LKR2:[A-Za-z0-9_-]{22}$/;
const DAY = 86_400_000;

let cloud: TestCloud;
let seed = 120;
beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud.close());

const unit = (id: string) => enrolledUnit(cloud, id, seed++);

function deposited(
  chain: DeviceChain,
  parcelId: string,
  compartmentId: string,
  announced: boolean,
) {
  return chain.next('parcel.deposited', {
    parcelId,
    trackingBarcode: `TRK${parcelId}`,
    compartmentId,
    courier: 'courier-7',
    expiresAt: new Date(cloud.clock.now() + 3 * DAY).toISOString(),
    announced,
  });
}

async function pickupNotice(parcelId: string): Promise<Notification> {
  const found = (await inbox(cloud, `parcelId=${parcelId}`)).find((n) => n.kind === 'pickup_code');
  if (!found) throw new Error(`no pickup_code notification for ${parcelId}`);
  return found;
}

describe('QR tokens with the codes the cloud issues', () => {
  it('announces an allocation with the digest of the pickup QR its customer is sent at deposit', async () => {
    const { locker, chain, link } = await unit('QR-1');
    await cloud.request('POST', '/api/v1/allocations', allocationRequest('QR-1', 'Q-1'));
    const announced = await link.commands.next();
    expect(announced.type).toBe('parcel.expect');
    await link.publishEvents([deposited(chain, 'Q-1', 'A1', true)]);
    expect(await link.acks.next()).toBe(1);

    const sent = await pickupNotice('Q-1');
    expect(sent.qrPayload).toMatch(PICKUP_QR);
    expect(announced.payload['qrDigest']).toBe(codeDigest(locker.codeDigestKey, sent.qrPayload!));
    // The code and the QR are different secrets under the same key.
    expect(announced.payload['codeDigest']).toBe(codeDigest(locker.codeDigestKey, sent.code!));
    expect(sent.qrPayload).not.toContain(sent.code!);
    await link.close();
  });

  it('sends parcel.code with the QR digest for a deposit it was not told of', async () => {
    const { locker, chain, link } = await unit('QR-2');
    await link.publishEvents([deposited(chain, 'dev-q-2', 'B1', false)]);
    expect(await link.acks.next()).toBe(1);
    const command = await link.commands.next();
    const sent = await pickupNotice('dev-q-2');
    expect(sent.qrPayload).toMatch(PICKUP_QR);
    expect(command).toMatchObject({
      type: 'parcel.code',
      payload: {
        parcelId: 'dev-q-2',
        codeDigest: codeDigest(locker.codeDigestKey, sent.code!),
        qrDigest: codeDigest(locker.codeDigestKey, sent.qrPayload!),
      },
    });
    await link.close();
  });

  it('re-issues a QR with the code when a parcel it had closed is deposited after all', async () => {
    const { locker, chain, link } = await unit('QR-3');
    const allocated = await cloud.request<{ allocationId: string }>(
      'POST',
      '/api/v1/allocations',
      allocationRequest('QR-3', 'Q-3'),
    );
    const announced = await link.commands.next();
    await cloud.request('POST', `/api/v1/allocations/${allocated.body.allocationId}/cancel`);
    await link.commands.until((c) => c.type === 'parcel.cancel');
    // The unit took the deposit before the cancel reached it.
    await link.publishEvents([deposited(chain, 'Q-3', 'A1', true)]);
    expect(await link.acks.next()).toBe(1);
    const command = await link.commands.next();
    const sent = await pickupNotice('Q-3');
    expect(sent.qrPayload).toMatch(PICKUP_QR);
    expect(command).toMatchObject({
      type: 'parcel.code',
      payload: {
        parcelId: 'Q-3',
        codeDigest: codeDigest(locker.codeDigestKey, sent.code!),
        qrDigest: codeDigest(locker.codeDigestKey, sent.qrPayload!),
      },
    });
    expect(command.payload['qrDigest']).not.toBe(announced.payload['qrDigest']);
    await link.close();
  });

  it('gives a return its own LKR2 QR, digested in return.expect', async () => {
    const { locker, link } = await unit('QR-4');
    const r = await cloud.request<{ returnId: string; returnCode: string }>(
      'POST',
      '/api/v1/returns',
      { lockerId: 'QR-4', size: 'S', customer: { name: 'Grace', email: 'grace-qr@example.org' } },
    );
    expect(r.status).toBe(201);
    const command = await link.commands.next();
    const [sent] = await inbox(cloud, 'to=grace-qr@example.org');
    expect(sent).toMatchObject({ kind: 'return_code', code: r.body.returnCode });
    expect(sent!.qrPayload).toMatch(RETURN_QR);
    expect(command).toMatchObject({
      type: 'return.expect',
      payload: {
        returnId: r.body.returnId,
        codeDigest: codeDigest(locker.codeDigestKey, r.body.returnCode),
        qrDigest: codeDigest(locker.codeDigestKey, sent!.qrPayload!),
      },
    });
    await link.close();
  });

  it('never gives two parcels or returns the same token', async () => {
    const { chain, link } = await unit('QR-5');
    const ids = ['Q-5a', 'Q-5b', 'Q-5c'];
    for (const id of ids)
      await cloud.request('POST', '/api/v1/allocations', allocationRequest('QR-5', id));
    await link.publishEvents([
      deposited(chain, 'Q-5a', 'A1', true),
      deposited(chain, 'Q-5b', 'A2', true),
      deposited(chain, 'Q-5c', 'B1', true),
      deposited(chain, 'dev-q-5', 'B2', false),
    ]);
    expect(await link.acks.next()).toBe(4);
    await cloud.request('POST', '/api/v1/returns', {
      lockerId: 'QR-5',
      size: 'L',
      customer: { name: 'Grace', email: 'grace-q5@example.org' },
    });
    const payloads = (await inbox(cloud, 'lockerId=QR-5')).map((n) => n.qrPayload!);
    expect(payloads).toHaveLength(5);
    expect(payloads.filter((p) => PICKUP_QR.test(p))).toHaveLength(4);
    expect(payloads.filter((p) => RETURN_QR.test(p))).toHaveLength(1);
    const tokens = payloads.map((p) => p.slice('LKP2:'.length));
    expect(new Set(tokens).size).toBe(5);
    await link.close();
  });
});

describe('a code issued before QR tokens', () => {
  it('goes to the customer and the unit alone: no QR, no qrDigest, no invitation to scan', async () => {
    const { locker, chain, link } = await unit('QR-OLD');
    await cloud.request('POST', '/api/v1/allocations', allocationRequest('QR-OLD', 'OLD-1'));
    const announced = await link.commands.next();
    // What migration 5 leaves for an allocation made before it.
    const db = new Database(join(cloud.dataDir, 'cloud.sqlite'));
    db.prepare("UPDATE parcels SET qr_payload = NULL WHERE parcel_id = 'OLD-1'").run();
    db.close();
    // The unit missed the announcement: the cloud re-sends the code.
    await link.publishEvents([deposited(chain, 'OLD-1', 'A1', false)]);
    expect(await link.acks.next()).toBe(1);
    const resent = await link.commands.next();
    expect(resent.type).toBe('parcel.code');
    expect(resent.payload).toEqual({
      parcelId: 'OLD-1',
      codeDigest: announced.payload['codeDigest'],
    });
    const sent = await pickupNotice('OLD-1');
    expect(codeDigest(locker.codeDigestKey, sent.code!)).toBe(announced.payload['codeDigest']);
    expect(sent.qrPayload).toBeNull();
    expect(sent.text).not.toContain('scan');
    await link.close();
  });
});

describe('QR token source', () => {
  it('draws 16 bytes from the injected source and encodes them as base64url', async () => {
    let fill = 0xfa;
    const local = await startTestCloud({ randomBytes: (n) => Buffer.alloc(n, fill++) });
    try {
      const { chain, link } = await enrolledUnit(local, 'QR-SRC', 7);
      await local.request('POST', '/api/v1/allocations', allocationRequest('QR-SRC', 'S-1'));
      await link.commands.next();
      await link.publishEvents([deposited(chain, 'S-1', 'A1', true)]);
      expect(await link.acks.next()).toBe(1);
      const [sent] = await inbox(local, 'parcelId=S-1');
      expect(sent!.qrPayload).toBe(`LKP2:${Buffer.alloc(16, 0xfa).toString('base64url')}`);
      expect(sent!.qrPayload).toBe('LKP2:-vr6-vr6-vr6-vr6-vr6-g');
      await link.close();
    } finally {
      await local.close();
    }
  });
});
