import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWebhookSignature } from '../../src/shared/node/webhookSignature';
import type { AllocationResponse } from '../../src/shared/rest/schemas';
import { StatusEventSchema } from '../../src/shared/rest/statusEvents';
import {
  WEBHOOK_EVENT_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  type Webhook,
  type WebhookCreated,
  type WebhookDelivery,
} from '../../src/shared/rest/webhooks';
import {
  allocationRequest,
  enrolledUnit,
  mintKey,
  startTestCloud,
  type Caller,
  type TestCloud,
} from '../testSupport/cloudFixture';
import type { DeviceChain } from '../testSupport/device';
import { WebhookReceiver } from '../testSupport/webhookReceiver';

const DAY = 86_400_000;
let cloud: TestCloud;
let merchantB: Caller;
let seed = 120;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  cloud = await startTestCloud({ live: { webhooks: { maxAttempts: 3, firstRetryMs: 1_000 } } });
  merchantB = { key: mintKey(cloud.dataDir, 'merchant', 'merchant B') };
});
afterAll(async () => {
  await cloud.close();
  await Promise.all(receivers.map((r) => r.close()));
});

async function receiver(): Promise<WebhookReceiver> {
  const r = await WebhookReceiver.start();
  receivers.push(r);
  return r;
}

async function register(url: string, types: string[], as: Caller): Promise<WebhookCreated> {
  const r = await cloud.request<WebhookCreated>('POST', '/api/v1/webhooks', { url, types }, as);
  expect(r.status).toBe(201);
  return r.body;
}

async function allocate(lockerId: string, parcelId: string, as: Caller) {
  const r = await cloud.request<AllocationResponse>(
    'POST',
    '/api/v1/allocations',
    allocationRequest(lockerId, parcelId),
    as,
  );
  expect(r.status).toBe(201);
  return r.body;
}

function deposit(chain: DeviceChain, parcelId: string, compartmentId: string) {
  return chain.next('parcel.deposited', {
    parcelId,
    trackingBarcode: `TRK${parcelId}`,
    compartmentId,
    courier: 'courier-7',
    expiresAt: new Date(cloud.clock.now() + 3 * DAY).toISOString(),
    announced: true,
  });
}

const nowS = () => Math.floor(cloud.clock.now() / 1000);

async function deliveries(webhookId: string, as: Caller = 'merchant') {
  const r = await cloud.request<{ deliveries: WebhookDelivery[] }>(
    'GET',
    `/api/v1/webhooks/${webhookId}/deliveries`,
    undefined,
    as,
  );
  return r;
}

describe('webhooks', () => {
  it("delivers each merchant its own parcels' events only, signed with its own secret; an operator's webhook gets them all", async () => {
    const [a, b, op] = await Promise.all([receiver(), receiver(), receiver()]);
    const hookA = await register(a.url, ['parcel.deposited', 'parcel.picked_up'], 'merchant');
    const hookB = await register(b.url, ['parcel.deposited', 'parcel.picked_up'], merchantB);
    const hookOp = await register(op.url, ['parcel.deposited', 'locker.changed'], 'operator');
    const { chain, link } = await enrolledUnit(cloud, 'WH-1', seed++);
    const allocA = await allocate('WH-1', 'PA-1', 'merchant');
    const allocB = await allocate('WH-1', 'PB-1', merchantB);

    await link.publishEvents([deposit(chain, 'PA-1', 'A1'), deposit(chain, 'PB-1', 'A2')]);
    await Promise.all([a.waitFor(1), b.waitFor(1), op.waitFor(2)]);
    await link.publishEvents([
      chain.next('parcel.picked_up', { parcelId: 'PA-1', compartmentId: 'A1' }),
    ]);
    // The pickup frees A1: what the locker can take changed (the deposits did not: promised).
    await Promise.all([a.waitFor(2), op.waitFor(3)]);

    expect(a.events().map((e) => [e.type, e.parcelId, e.data['allocationId']])).toEqual([
      ['parcel.deposited', 'PA-1', allocA.allocationId],
      ['parcel.picked_up', 'PA-1', allocA.allocationId],
    ]);
    expect(b.events().map((e) => [e.type, e.parcelId])).toEqual([['parcel.deposited', 'PB-1']]);
    const opTypes = op.events().map((e) => `${e.type}:${e.parcelId ?? ''}`);
    expect(opTypes).toEqual(
      expect.arrayContaining(['parcel.deposited:PA-1', 'parcel.deposited:PB-1']),
    );
    const changed = op.events().find((e) => e.type === 'locker.changed');
    expect(changed?.data['availability']).toMatchObject({ S: expect.any(Number) });
    expect(allocB.allocationId).not.toBe(allocA.allocationId);

    for (const [r, hook, other] of [
      [a, hookA, hookB],
      [b, hookB, hookA],
      [op, hookOp, hookA],
    ] as const) {
      for (const got of r.received) {
        const header = got.headers[WEBHOOK_SIGNATURE_HEADER] as string;
        expect(checkWebhookSignature(hook.secret, header, got.body, nowS())).toBeNull();
        // Another webhook's secret, a changed byte, or an old delivery replayed: refused.
        expect(checkWebhookSignature(other.secret, header, got.body, nowS())).toBe('mismatch');
        expect(checkWebhookSignature(hook.secret, header, got.body + ' ', nowS())).toBe('mismatch');
        expect(checkWebhookSignature(hook.secret, header, got.body, nowS() + 3600)).toBe('stale');
        const event = StatusEventSchema.parse(JSON.parse(got.body));
        expect(got.headers[WEBHOOK_EVENT_ID_HEADER]).toBe(String(event.id));
      }
    }
    await link.close();
  });

  it('shows the secret once; another key cannot list, read the log of, or delete a webhook', async () => {
    const r = await receiver();
    const hook = await register(r.url, ['parcel.expired'], 'merchant');
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const mine = await cloud.request<{ webhooks: Webhook[] }>(
      'GET',
      '/api/v1/webhooks',
      undefined,
      'merchant',
    );
    const listed = mine.body.webhooks.find((w) => w.id === hook.id);
    expect(listed).toEqual({
      id: hook.id,
      url: r.url,
      types: ['parcel.expired'],
      createdAt: hook.createdAt,
    });
    expect(JSON.stringify(mine.body)).not.toContain(hook.secret);
    const theirs = await cloud.request<{ webhooks: Webhook[] }>(
      'GET',
      '/api/v1/webhooks',
      undefined,
      merchantB,
    );
    expect(theirs.body.webhooks.map((w) => w.id)).not.toContain(hook.id);
    expect((await deliveries(hook.id, merchantB)).status).toBe(404);
    const stolen = await cloud.inject(
      { method: 'DELETE', url: `/api/v1/webhooks/${hook.id}` },
      merchantB,
    );
    expect(stolen.statusCode).toBe(404);
    expect(
      (await cloud.inject({ method: 'GET', url: '/api/v1/webhooks' }, 'dashboard')).statusCode,
    ).toBe(403);
    const deleted = await cloud.inject(
      { method: 'DELETE', url: `/api/v1/webhooks/${hook.id}` },
      'merchant',
    );
    expect(deleted.json()).toEqual({ id: hook.id, deleted: true });
    const after = await cloud.request<{ webhooks: Webhook[] }>(
      'GET',
      '/api/v1/webhooks',
      undefined,
      'merchant',
    );
    expect(after.body.webhooks.map((w) => w.id)).not.toContain(hook.id);
    expect(JSON.stringify(cloud.logs.records)).not.toContain(hook.secret);
  });

  it('retries a failing receiver with exponential backoff and jitter, the same signed event each time, and logs every attempt', async () => {
    const r = await receiver();
    r.answer(500, 503, 200);
    const hook = await register(r.url, ['parcel.deposited'], 'merchant');
    const { chain, link } = await enrolledUnit(cloud, 'WH-2', seed++);
    await allocate('WH-2', 'PR-1', 'merchant');
    await link.publishEvents([deposit(chain, 'PR-1', 'B1')]);
    await r.waitFor(1);
    await cloud.deliverWebhooks();

    const waits: number[] = [];
    for (const [attempt, status] of [
      [1, 500],
      [2, 503],
    ] as const) {
      const [d] = (await deliveries(hook.id)).body.deliveries;
      expect(d).toMatchObject({ state: 'pending', attempts: attempt, lastStatus: status });
      expect(d!.lastError).toBe(`answered ${status}`);
      const wait = Date.parse(d!.nextAt) - cloud.clock.now();
      // Doubling from 1 s, jittered between half and all of it.
      const full = 1_000 * 2 ** (attempt - 1);
      expect(wait).toBeGreaterThanOrEqual(full / 2);
      expect(wait).toBeLessThanOrEqual(full);
      waits.push(wait);
      // Not before it is due…
      cloud.clock.advance(wait - 1);
      await cloud.deliverWebhooks();
      expect(r.received).toHaveLength(attempt);
      // …and then it is tried again.
      cloud.clock.advance(1);
      await cloud.deliverWebhooks();
      await r.waitFor(attempt + 1);
    }
    await cloud.deliverWebhooks();
    const [done] = (await deliveries(hook.id)).body.deliveries;
    expect(done).toMatchObject({
      state: 'delivered',
      attempts: 3,
      lastStatus: 200,
      lastError: null,
    });
    expect(done!.deliveredAt).toBe(new Date(cloud.clock.now()).toISOString());
    const ids = r.received.map((x) => x.headers[WEBHOOK_EVENT_ID_HEADER]);
    expect(new Set(ids).size).toBe(1);
    expect(new Set(r.received.map((x) => x.body)).size).toBe(1);
    for (const got of r.received)
      expect(
        checkWebhookSignature(
          hook.secret,
          got.headers[WEBHOOK_SIGNATURE_HEADER] as string,
          got.body,
          nowS(),
        ),
      ).toBeNull();
    await link.close();
  });

  it('gives up after the last attempt, and a receiver that is not there is logged with its error', async () => {
    const r = await receiver();
    const url = r.url;
    await r.close(); // nobody listens there any more
    const hook = await register(url, ['parcel.deposited'], 'merchant');
    const { chain, link } = await enrolledUnit(cloud, 'WH-3', seed++);
    await allocate('WH-3', 'PF-1', 'merchant');
    await link.publishEvents([deposit(chain, 'PF-1', 'B1')]);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await expect
        .poll(async () => (await deliveries(hook.id)).body.deliveries[0]?.attempts ?? 0)
        .toBe(attempt);
      cloud.clock.advance(60_000);
      await cloud.deliverWebhooks();
    }
    const [d] = (await deliveries(hook.id)).body.deliveries;
    expect(d).toMatchObject({ state: 'failed', attempts: 3, lastStatus: null });
    expect(d!.lastError).toMatch(/ECONNREFUSED/);
    cloud.clock.advance(3_600_000);
    await cloud.deliverWebhooks();
    expect((await deliveries(hook.id)).body.deliveries[0]!.attempts).toBe(3);
    await link.close();
  });
});
