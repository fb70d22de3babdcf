import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBadgeToken } from '../../src/shared/node/badgeToken';
import { codeDigest } from '../../src/shared/node/codeDigest';
import type {
  AllocationResponse,
  LockerDetail,
  ReconciliationResponse,
} from '../../src/shared/rest/schemas';
import { DeviceChain, signedSnapshot } from '../testSupport/device';
import { DEFAULT_POLICY } from './context';
import {
  allocationRequest,
  enrolledUnit,
  inbox,
  provisionAndEnroll,
  startTestCloud,
  type TestCloud,
} from '../testSupport/cloudFixture';

const DAY = 86_400_000;
let cloud: TestCloud;
let seed = 40;

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud.close());

const unit = (id: string) => enrolledUnit(cloud, id, seed++);

const notices = (query: string) => inbox(cloud, query);
const detail = async (id: string) =>
  (await cloud.request<LockerDetail>('GET', `/api/v1/lockers/${id}`)).body;

/** The deposit of an announced parcel as the unit reports it. */
function deposit(
  chain: DeviceChain,
  parcelId: string,
  compartmentId: string,
  announced = true,
  holdDays = 3,
) {
  const at = Date.UTC(2025, 0, 1);
  return chain.next('parcel.deposited', {
    parcelId,
    trackingBarcode: `TRK${parcelId}`,
    compartmentId,
    courier: 'courier-7',
    expiresAt: new Date(at + holdDays * DAY).toISOString(),
    announced,
  });
}

describe('parcel lifecycle through events', () => {
  it('sends the code on deposit (matching the digest the unit got), then the picked-up notice', async () => {
    const { locker, chain, link } = await unit('FLOW-1');
    const r = await cloud.request<AllocationResponse>(
      'POST',
      '/api/v1/allocations',
      allocationRequest('FLOW-1', 'P-1'),
    );
    const expect_ = await link.commands.next();
    expect(await notices('parcelId=P-1')).toEqual([]);

    await link.publishEvents([deposit(chain, 'P-1', 'A1')]);
    expect(await link.acks.next()).toBe(1);
    const [sent] = await notices('parcelId=P-1');
    expect(sent).toMatchObject({
      kind: 'pickup_code',
      lockerId: 'FLOW-1',
      to: ['+49 30 1234567', 'ada@example.org'],
    });
    expect(sent!.code).toMatch(new RegExp(`^[0-9]{${DEFAULT_POLICY.codeLength}}$`));
    expect(sent!.qrPayload).toMatch(/^LKP2:[A-Za-z0-9_-]{22}$/);
    expect(sent!.text).toContain(sent!.code);
    expect(codeDigest(locker.codeDigestKey, sent!.code!)).toBe(expect_.payload['codeDigest']);
    expect(codeDigest(locker.codeDigestKey, sent!.qrPayload!)).toBe(expect_.payload['qrDigest']);

    const d = await detail('FLOW-1');
    expect(d.compartments.find((c) => c.id === 'A1')).toMatchObject({
      state: 'occupied',
      parcelId: 'P-1',
      source: 'events',
    });
    expect(d.parcels.find((p) => p.allocationId === r.body.allocationId)).toMatchObject({
      state: 'deposited',
      compartmentId: 'A1',
    });

    await link.publishEvents([
      chain.next('parcel.picked_up', { parcelId: 'P-1', compartmentId: 'A1' }),
    ]);
    expect(await link.acks.next()).toBe(2);
    expect((await notices('parcelId=P-1')).map((n) => n.kind)).toEqual([
      'picked_up',
      'pickup_code',
    ]);
    expect((await detail('FLOW-1')).compartments.find((c) => c.id === 'A1')!.state).toBe(
      'available',
    );
    // The same events again change nothing: no second notification.
    await link.publishEvents([deposit(new DeviceChain('FLOW-1', locker.key), 'P-1', 'A1')]);
    expect(await link.acks.next()).toBe(2);
    expect(await notices('parcelId=P-1')).toHaveLength(2);
    await link.close();
  });

  it('issues a code for a deposit it was not told of (parcel.code) and notifies', async () => {
    const { locker, chain, link } = await unit('FLOW-2');
    await link.publishEvents([deposit(chain, 'dev-uuid-1', 'B1', false)]);
    expect(await link.acks.next()).toBe(1);
    const command = await link.commands.next();
    expect(command.type).toBe('parcel.code');
    const [sent] = await notices('parcelId=dev-uuid-1');
    expect(sent).toMatchObject({ kind: 'pickup_code', to: ['carrier:TRKdev-uuid-1'] });
    expect(command.payload).toEqual({
      parcelId: 'dev-uuid-1',
      codeDigest: codeDigest(locker.codeDigestKey, sent!.code!),
      qrDigest: codeDigest(locker.codeDigestKey, sent!.qrPayload!),
    });
    const p = (await detail('FLOW-2')).parcels[0]!;
    expect(p).toMatchObject({
      parcelId: 'dev-uuid-1',
      announced: false,
      state: 'deposited',
      size: 'M',
    });
    await link.close();
  });

  it('marks a command done on its command.result event', async () => {
    const { chain, link } = await unit('FLOW-3');
    const open = await cloud.request<{ commandId: string }>('POST', '/api/v1/lockers/FLOW-3/open', {
      compartmentId: 'C1',
      reason: 'customer left keys inside',
    });
    expect(open.status).toBe(202);
    const command = await link.commands.next();
    expect(command).toMatchObject({
      id: open.body.commandId,
      type: 'door.open_remote',
      payload: {
        compartmentId: 'C1',
        reason: 'customer left keys inside',
        requestedBy: 'cloud-operator',
      },
    });
    // Until the unit answers, a presence "online" re-sends it, exactly as signed.
    await link.publishRaw(link.topics.presence, JSON.stringify({ v: 1, status: 'online' }), true);
    expect((await link.commands.next()).id).toBe(command.id);
    expect(await link.acks.next()).toBe(0); // on presence: where the stored chain ends
    await link.publishEvents([
      chain.next('command.result', { commandId: command.id, type: 'door.open_remote', ok: true }),
    ]);
    expect(await link.acks.next()).toBe(1);
    await link.publishRaw(link.topics.presence, JSON.stringify({ v: 1, status: 'online' }), true);
    // Answered now: the next "online" re-sends nothing.
    await cloud.logs.waitFor(
      (r) => r.msg === 'presence recorded' && r['lockerId'] === 'FLOW-3' && r['resent'] === 0,
    );
    expect((await detail('FLOW-3')).presence.status).toBe('online');
    const missing = await cloud.request('POST', '/api/v1/lockers/FLOW-3/open', {
      compartmentId: 'Z9',
      reason: 'check',
    });
    expect(missing.status).toBe(404);
    await link.close();
  });

  it('creates a return: code to the customer, return.expect with its digest, capacity held', async () => {
    const { locker, chain, link } = await unit('FLOW-4');
    const before = (await detail('FLOW-4')).availability.L;
    const r = await cloud.request<{ returnId: string; returnCode: string }>(
      'POST',
      '/api/v1/returns',
      {
        lockerId: 'FLOW-4',
        size: 'L',
        customer: { name: 'Grace', email: 'grace@example.org' },
      },
    );
    expect(r.status).toBe(201);
    const command = await link.commands.next();
    expect(command).toMatchObject({
      type: 'return.expect',
      payload: {
        returnId: r.body.returnId,
        size: 'L',
        codeDigest: codeDigest(locker.codeDigestKey, r.body.returnCode),
      },
    });
    const [sent] = await notices('to=grace@example.org');
    expect(sent).toMatchObject({ kind: 'return_code', code: r.body.returnCode });
    expect(sent!.qrPayload).toMatch(/^LKR2:[A-Za-z0-9_-]{22}$/);
    expect(command.payload['qrDigest']).toBe(codeDigest(locker.codeDigestKey, sent!.qrPayload!));
    expect((await detail('FLOW-4')).availability.L).toBe(before - 1);
    const full = await cloud.request('POST', '/api/v1/returns', {
      lockerId: 'FLOW-4',
      size: 'L',
      customer: { name: 'Grace', email: 'grace@example.org' },
    });
    expect(full.status).toBe(409);
    await link.publishEvents([
      chain.next('return.deposited', { returnId: r.body.returnId, compartmentId: 'C1' }),
    ]);
    expect(await link.acks.next()).toBe(1);
    expect((await detail('FLOW-4')).returns[0]).toMatchObject({
      state: 'deposited',
      compartmentId: 'C1',
    });
    await link.close();
  });
});

describe('scheduler on a fake clock', () => {
  it('sends the day-2 reminder, the expiry warning and the expiry notice once each', async () => {
    const { chain, link } = await unit('SCHED-1');
    await cloud.request('POST', '/api/v1/allocations', allocationRequest('SCHED-1', 'S-1'));
    const depositedAt = cloud.clock.now();
    await link.publishEvents([
      chain.next('parcel.deposited', {
        parcelId: 'S-1',
        trackingBarcode: 'TRKS-1',
        compartmentId: 'A1',
        courier: 'c',
        expiresAt: new Date(depositedAt + 3 * DAY).toISOString(),
        announced: true,
      }),
    ]);
    expect(await link.acks.next()).toBe(1);
    const kinds = async () => (await notices('parcelId=S-1')).map((n) => n.kind).reverse();
    await cloud.tick();
    expect(await kinds()).toEqual(['pickup_code']);
    cloud.clock.ms = depositedAt + 2 * DAY;
    expect(await cloud.tick()).toMatchObject({ reminders: 1, warnings: 0 });
    expect(await cloud.tick()).toMatchObject({ reminders: 0 });
    cloud.clock.ms = depositedAt + 3 * DAY - 11 * 3_600_000;
    expect(await cloud.tick()).toMatchObject({ warnings: 1 });
    cloud.clock.ms = depositedAt + 3 * DAY;
    expect(await cloud.tick()).toMatchObject({ expired: 1 });
    expect(await kinds()).toEqual(['pickup_code', 'reminder', 'expiry_warning', 'expired']);
    // The unit's own parcel.expired arrives later: the customer is not told twice.
    await link.publishEvents([
      chain.next('parcel.expired', { parcelId: 'S-1', compartmentId: 'A1' }),
    ]);
    expect(await link.acks.next()).toBe(2);
    expect(await kinds()).toHaveLength(4);
    await link.close();
  });

  it('extends a deposited parcel (new deadline, new warning) and lapses unused allocations', async () => {
    const { chain, link } = await unit('SCHED-2');
    const a = await cloud.request<AllocationResponse>(
      'POST',
      '/api/v1/allocations',
      allocationRequest('SCHED-2', 'E-1'),
    );
    const b = await cloud.request<AllocationResponse>(
      'POST',
      '/api/v1/allocations',
      allocationRequest('SCHED-2', 'E-2'),
    );
    await link.commands.next();
    await link.commands.next();
    const depositedAt = cloud.clock.now();
    await link.publishEvents([
      chain.next('parcel.deposited', {
        parcelId: 'E-1',
        trackingBarcode: 'TRKE-1',
        compartmentId: 'A1',
        courier: 'c',
        expiresAt: new Date(depositedAt + 3 * DAY).toISOString(),
        announced: true,
      }),
    ]);
    expect(await link.acks.next()).toBe(1);
    const early = await cloud.request('POST', `/api/v1/allocations/${b.body.allocationId}/extend`, {
      days: 1,
    });
    expect(early.status).toBe(409);
    const extended = await cloud.request<{ holdDays: number; expiresAt: string }>(
      'POST',
      `/api/v1/allocations/${a.body.allocationId}/extend`,
      { days: 2 },
    );
    expect(extended.status).toBe(200);
    expect(extended.body.holdDays).toBe(5);
    const command = await link.commands.next();
    expect(command).toMatchObject({
      type: 'parcel.extend',
      payload: { parcelId: 'E-1', holdDays: 5 },
    });
    cloud.clock.ms = depositedAt + 3 * DAY;
    expect(await cloud.tick()).toMatchObject({ expired: 0 });
    cloud.clock.ms = depositedAt + 7 * DAY;
    expect(await cloud.tick()).toMatchObject({ lapsed: 1, expired: 1 });
    // Unanswered commands are resent on the same tick (commandResend.ts): skip past them.
    expect(await link.commands.until((c) => c.type === 'parcel.cancel')).toMatchObject({
      type: 'parcel.cancel',
      payload: { parcelId: 'E-2' },
    });
    const parcels = (await detail('SCHED-2')).parcels;
    expect(parcels.find((p) => p.parcelId === 'E-2')!.state).toBe('cancelled');
    await link.close();
  });
});

describe('badges, search, reconciliation', () => {
  it('issues badges the cloud key verifies and revokes them on every enrolled locker', async () => {
    const one = await unit('BADGE-1');
    const two = await unit('BADGE-2');
    const r = await cloud.request<{ badgeId: string; token: string }>('POST', '/api/v1/badges', {
      role: 'courier',
      subject: 'courier-42',
      lockers: ['BADGE-1'],
      validDays: 30,
    });
    expect(r.status).toBe(201);
    const claims = readBadgeToken(r.body.token, cloud.cloudPublicKey);
    expect(claims).toMatchObject({
      ok: true,
      value: { id: r.body.badgeId, role: 'courier', sub: 'courier-42', lockers: ['BADGE-1'] },
    });
    expect(readBadgeToken(r.body.token.slice(0, -2) + 'AA', cloud.cloudPublicKey).ok).toBe(false);
    const revoked = await cloud.request<{ commandIds: string[] }>(
      'POST',
      `/api/v1/badges/${r.body.badgeId}/revoke`,
    );
    expect(revoked.status).toBe(200);
    for (const { link } of [one, two]) {
      const c = await link.commands.until((x) => x.type === 'credentials.revoke');
      expect(c.payload).toEqual({ badgeIds: [r.body.badgeId] });
      expect(revoked.body.commandIds).toContain(c.id);
      await link.close();
    }
    expect((await cloud.request('POST', '/api/v1/badges/nobody/revoke')).status).toBe(404);
  });

  it('finds the nearest lockers with a free size', async () => {
    await provisionAndEnroll(cloud, 'NEAR-HAMBURG', { lat: 53.5511, lng: 9.9937 }, seed++);
    await provisionAndEnroll(cloud, 'NEAR-MUNICH', { lat: 48.1351, lng: 11.582 }, seed++);
    const r = await cloud.request<{ lockers: { id: string; distanceM: number }[] }>(
      'GET',
      '/api/v1/lockers?lat=53.55&lng=10.0&limit=2&size=L',
    );
    expect(r.status).toBe(200);
    expect(r.body.lockers[0]!.id).toBe('NEAR-HAMBURG');
    expect(r.body.lockers[0]!.distanceM).toBeLessThan(1000);
    // Berlin (the other test lockers) is ~255 km from Hamburg; Munich ~610 km.
    expect(r.body.lockers[1]!.distanceM).toBeGreaterThan(200_000);
    expect(r.body.lockers[1]!.distanceM).toBeLessThan(300_000);
  });

  it('reports where the retained snapshot and the events disagree', async () => {
    const { chain, link } = await unit('RECON-1');
    await link.publishEvents([deposit(chain, 'R-1', 'A1', false)]);
    expect(await link.acks.next()).toBe(1);
    const snapshot = {
      v: 1,
      lockerId: 'RECON-1',
      at: '2025-01-01T00:00:10.000Z',
      seq: 1,
      compartments: [
        {
          id: 'A1',
          size: 'S',
          state: 'available',
          doorOpen: false,
          parcelId: null,
          returnId: null,
        },
        {
          id: 'A2',
          size: 'S',
          state: 'occupied',
          doorOpen: false,
          parcelId: 'GHOST',
          returnId: null,
        },
        {
          id: 'B1',
          size: 'M',
          state: 'available',
          doorOpen: false,
          parcelId: null,
          returnId: null,
        },
        {
          id: 'B2',
          size: 'M',
          state: 'available',
          doorOpen: false,
          parcelId: null,
          returnId: null,
        },
        {
          id: 'Z9',
          size: 'XL',
          state: 'available',
          doorOpen: false,
          parcelId: null,
          returnId: null,
        },
      ],
    };
    await link.publishRaw(
      link.topics.state,
      JSON.stringify(signedSnapshot(chain.key, snapshot)),
      true,
    );
    await link.publishRaw(
      link.topics.presence,
      JSON.stringify({ v: 1, status: 'online', at: '2025-01-01T00:00:11.000Z' }),
      true,
    );
    await cloud.logs.waitFor((r) => r.msg === 'presence recorded' && r['lockerId'] === 'RECON-1');
    const r = await cloud.request<ReconciliationResponse>(
      'GET',
      '/api/v1/lockers/RECON-1/reconciliation',
    );
    expect(r.body.snapshot).toEqual({ seq: 1, at: snapshot.at });
    expect(r.body.inSync).toBe(true);
    const found = r.body.mismatches.map((m) => `${m.compartmentId}:${m.kind}`).sort();
    expect(found).toEqual([
      'A1:contents',
      'A1:state',
      'A2:contents',
      'A2:state',
      'A2:unknown_item',
      'C1:missing_compartment',
      'Z9:unknown_compartment',
    ]);
    // The snapshot is as new as the events, so capacity follows it.
    expect((await detail('RECON-1')).compartments.find((c) => c.id === 'A2')).toMatchObject({
      state: 'occupied',
      source: 'snapshot',
    });
    await link.close();
  });
});
