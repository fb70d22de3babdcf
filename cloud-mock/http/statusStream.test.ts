import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusEventSchema } from '../../src/shared/rest/statusEvents';
import { join } from 'node:path';
import { API_KEY_PATTERN } from '../../src/shared/rest/apiKeys';
import { revokeKey } from '../services/apiKeys';
import { openDatabase } from '../store/database';
import {
  allocationRequest,
  enrolledUnit,
  mintKey,
  startTestCloud,
  type TestCloud,
} from '../testSupport/cloudFixture';
import type { DeviceChain } from '../testSupport/device';
import { SseReader } from '../testSupport/sseReader';

const DAY = 86_400_000;
let cloud: TestCloud;
const readers: SseReader[] = [];

beforeAll(async () => {
  cloud = await startTestCloud({ live: { heartbeatMs: 50 } });
});
afterAll(async () => {
  await Promise.all(readers.map((r) => r.close()));
  await cloud.close();
});

async function stream(
  lockerId: string,
  as: string,
  headers: Record<string, string> = {},
  query = '',
) {
  const r = await SseReader.open(`${cloud.httpUrl}/api/v1/lockers/${lockerId}/stream${query}`, {
    authorization: `Bearer ${as}`,
    ...headers,
  });
  readers.push(r);
  return r;
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

describe('the locker status stream (Server-Sent Events)', () => {
  it("sends the locker's status events as they become durable, typed and numbered, with heartbeats; another locker's never", async () => {
    const { chain, link } = await enrolledUnit(cloud, 'SSE-1', 60);
    const other = await enrolledUnit(cloud, 'SSE-2', 61);
    const reader = await stream('SSE-1', cloud.keys.dashboard);
    expect(reader.status).toBe(200);
    expect(reader.contentType).toMatch(/^text\/event-stream/);
    await cloud.request('POST', '/api/v1/allocations', allocationRequest('SSE-1', 'S-1'));
    await cloud.request('POST', '/api/v1/allocations', allocationRequest('SSE-2', 'S-9'));
    await other.link.publishEvents([deposit(other.chain, 'S-9', 'A1')]);
    await link.publishEvents([deposit(chain, 'S-1', 'A1')]);
    await link.publishEvents([
      chain.next('parcel.picked_up', { parcelId: 'S-1', compartmentId: 'A1' }),
    ]);
    await reader.until((r) => r.messages.some((m) => m.event === 'parcel.picked_up'));
    await reader.until((r) => r.comments >= 2);

    const events = reader.parsed().map((e) => StatusEventSchema.parse(e));
    expect(events.every((e) => e.lockerId === 'SSE-1')).toBe(true);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['parcel.deposited', 'parcel.picked_up', 'locker.changed']),
    );
    expect(reader.messages.map((m) => m.event)).toEqual(events.map((e) => e.type));
    expect(reader.messages.map((m) => Number(m.id))).toEqual(events.map((e) => e.id));
    const ids = events.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    await link.close();
    await other.link.close();
  });

  it('resumes after Last-Event-ID: what came meanwhile, once, and nothing before it', async () => {
    const { chain, link } = await enrolledUnit(cloud, 'SSE-3', 62);
    const first = await stream('SSE-3', cloud.keys.operator);
    await cloud.request('POST', '/api/v1/allocations', allocationRequest('SSE-3', 'R-1'));
    await cloud.request('POST', '/api/v1/allocations', allocationRequest('SSE-3', 'R-2'));
    await link.publishEvents([deposit(chain, 'R-1', 'A1')]);
    await first.until((r) => r.messages.some((m) => m.event === 'parcel.deposited'));
    const seen = first.messages.at(-1)!.id!;
    await first.close();

    // Disconnected: R-2 arrives and R-1 is picked up.
    await link.publishEvents([
      deposit(chain, 'R-2', 'A2'),
      chain.next('parcel.picked_up', { parcelId: 'R-1', compartmentId: 'A1' }),
    ]);
    await link.acks.until((seq) => seq === 3);
    const again = await stream('SSE-3', cloud.keys.operator, { 'last-event-id': seen });
    await again.until((r) => r.messages.some((m) => m.event === 'parcel.picked_up'));
    const resumed = again.parsed();
    expect(resumed.every((e) => e.id > Number(seen))).toBe(true);
    expect(resumed.filter((e) => e.type === 'parcel.deposited').map((e) => e.parcelId)).toEqual([
      'R-2',
    ]);
    expect(resumed.filter((e) => e.type === 'parcel.picked_up').map((e) => e.parcelId)).toEqual([
      'R-1',
    ]);
    // ?after= does the same for a client that cannot set the header.
    const byQuery = await stream('SSE-3', cloud.keys.operator, {}, `?after=${seen}`);
    await byQuery.until((r) => r.messages.length >= resumed.length);
    expect(byQuery.parsed().map((e) => e.id)).toEqual(resumed.map((e) => e.id));
    await link.close();
  });

  it('lets the cloud shut down while readers are still connected (it ends their streams)', async () => {
    const own = await startTestCloud();
    try {
      await enrolledUnit(own, 'SSE-5', 64).then((u) => u.link.close());
      const reader = await SseReader.open(`${own.httpUrl}/api/v1/lockers/SSE-5/stream`, {
        authorization: `Bearer ${own.keys.dashboard}`,
      });
      readers.push(reader);
      expect(reader.status).toBe(200);
      const closed = own.close().then(() => 'closed');
      const late = new Promise((resolve) => setTimeout(resolve, 3_000, 'still open'));
      expect(await Promise.race([closed, late])).toBe('closed');
    } finally {
      await own.close().catch(() => undefined);
    }
  });

  it('ends a stream whose key is revoked while it reads', async () => {
    await enrolledUnit(cloud, 'SSE-6', 65).then((u) => u.link.close());
    const key = mintKey(cloud.dataDir, 'dashboard', 'revoked soon');
    const reader = await stream('SSE-6', key);
    await reader.until((r) => r.comments >= 1);
    const db = openDatabase(join(cloud.dataDir, 'cloud.sqlite'));
    revokeKey(db, API_KEY_PATTERN.exec(key)![1]!, Date.now());
    db.close();
    await reader.until((r) => r.ended);
    const again = await fetch(`${cloud.httpUrl}/api/v1/lockers/SSE-6/stream`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(again.status).toBe(401);
  });

  it('wants a dashboard or operator key, a known locker and a numeric Last-Event-ID', async () => {
    await enrolledUnit(cloud, 'SSE-4', 63).then((u) => u.link.close());
    const url = `${cloud.httpUrl}/api/v1/lockers/SSE-4/stream`;
    expect((await fetch(url)).status).toBe(401);
    const merchant = await fetch(url, {
      headers: { authorization: `Bearer ${cloud.keys.merchant}` },
    });
    expect(merchant.status).toBe(403);
    const unknown = await fetch(`${cloud.httpUrl}/api/v1/lockers/NOPE/stream`, {
      headers: { authorization: `Bearer ${cloud.keys.dashboard}` },
    });
    expect(unknown.status).toBe(404);
    const bad = await fetch(url, {
      headers: { authorization: `Bearer ${cloud.keys.dashboard}`, 'last-event-id': 'yesterday' },
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: 'invalid_request',
      problems: [{ path: 'headers.last-event-id' }],
    });
  });
});
