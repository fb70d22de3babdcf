import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllocationResponse } from '../../src/shared/rest/schemas';
import {
  allocationRequest,
  enrolledUnit,
  inbox,
  startTestCloud,
  type TestCloud,
} from '../testSupport/cloudFixture';
import type { DeviceChain } from '../testSupport/device';
import { SseReader } from '../testSupport/sseReader';

const DAY = 86_400_000;
let cloud: TestCloud;
const readers: SseReader[] = [];

beforeAll(async () => {
  cloud = await startTestCloud({ live: { heartbeatMs: 1_000 } });
});
afterAll(async () => {
  await Promise.all(readers.map((r) => r.close()));
  await cloud.close();
});

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

async function allocate(lockerId: string, parcelId: string, extra: Record<string, unknown> = {}) {
  const r = await cloud.request<AllocationResponse>(
    'POST',
    '/api/v1/allocations',
    allocationRequest(lockerId, parcelId, extra),
    'merchant',
  );
  expect(r.status).toBe(201);
  return r.body;
}

/** The link's path and token. */
const split = (statusUrl: string) => {
  const url = new URL(statusUrl);
  return { path: url.pathname, token: url.searchParams.get('t')! };
};

const get = (path: string) => fetch(`${cloud.httpUrl}${path}`);

describe("the customer's status page", () => {
  it('shows where the parcel is, the locker and the code and QR once it waits; the link is in the notification', async () => {
    const { chain, link } = await enrolledUnit(cloud, 'PAGE-1', 80);
    const allocation = await allocate('PAGE-1', 'PG-1');
    expect(allocation.statusUrl).toMatch(
      new RegExp(`^${cloud.httpUrl}/p/${allocation.allocationId}\\?t=[A-Za-z0-9_-]{22}$`),
    );
    const before = await fetch(allocation.statusUrl);
    expect(before.status).toBe(200);
    expect(before.headers.get('referrer-policy')).toBe('no-referrer');
    expect(before.headers.get('cache-control')).toBe('no-store');
    const html = await before.text();
    expect(html).toContain('On its way to the locker');
    expect(html).toContain('Locker PAGE-1');
    expect(html).toContain('Hauptstraße 1, Berlin');

    await link.publishEvents([deposit(chain, 'PG-1', 'A1')]);
    await link.acks.until((seq) => seq === 1);
    const [notice] = await inbox(cloud, 'parcelId=PG-1');
    expect(notice!.text).toContain(allocation.statusUrl);
    const { path, token } = split(allocation.statusUrl);
    const status = (await (await get(`${path}/status?t=${token}`)).json()) as Record<
      string,
      unknown
    >;
    expect(status).toMatchObject({
      state: 'deposited',
      pickupCode: notice!.code,
      qrPayload: notice!.qrPayload,
      locker: { name: 'Locker PAGE-1', address: 'Hauptstraße 1, Berlin' },
    });
    expect(status.qrImage).toMatch(/^data:image\/svg\+xml;base64,/);
    const page = await (await fetch(allocation.statusUrl)).text();
    expect(page).toContain(notice!.code!);
    await link.close();
  });

  it('answers a wrong, missing or borrowed token exactly as an unknown parcel: 404, nothing about it', async () => {
    await enrolledUnit(cloud, 'PAGE-2', 81).then((u) => u.link.close());
    const mine = split((await allocate('PAGE-2', 'PG-2')).statusUrl);
    const theirs = split((await allocate('PAGE-2', 'PG-3')).statusUrl);
    const unknownId = '8f14e45f-ceea-4e7a-9d7c-0d9f3e7a1b2c';
    const refused = [
      `${mine.path}?t=${theirs.token}`,
      `${mine.path}?t=${mine.token.slice(0, -1)}${mine.token.endsWith('A') ? 'B' : 'A'}`,
      mine.path,
      `${mine.path}?t=`,
      `/p/${unknownId}?t=${mine.token}`,
      `/p/not-a-uuid?t=${mine.token}`,
      `${mine.path}/status?t=${theirs.token}`,
      `${mine.path}/stream?t=${theirs.token}`,
    ];
    const bodies = new Set<string>();
    for (const url of refused) {
      const r = await get(url);
      expect(r.status, url).toBe(404);
      bodies.add(await r.text());
    }
    expect(bodies.size).toBe(1);
    expect((await get(`${mine.path}?t=${mine.token}`)).status).toBe(200);
    // The token is a credential: no log line carries it.
    expect(JSON.stringify(cloud.logs.records)).not.toContain(mine.token);
  });

  it('takes as long to refuse a wrong token for a real parcel as for no parcel at all', async () => {
    await enrolledUnit(cloud, 'PAGE-3', 82).then((u) => u.link.close());
    const real = split((await allocate('PAGE-3', 'PG-4')).statusUrl);
    const none = '/p/8f14e45f-ceea-4e7a-9d7c-0d9f3e7a1b2c';
    const wrong = 'AAAAAAAAAAAAAAAAAAAAAA';
    const time = async (path: string) => {
      const t = process.hrtime.bigint();
      const r = await cloud.inject({ method: 'GET', url: `${path}?t=${wrong}` }, 'anonymous');
      expect(r.statusCode).toBe(404);
      return Number(process.hrtime.bigint() - t);
    };
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 200; i++) {
      a.push(await time(real.path));
      b.push(await time(none));
    }
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[xs.length >> 1]!;
    // Interleaved peers in one run: the same code path, so the medians stay close.
    expect(median(a) / median(b)).toBeLessThan(1.5);
    expect(median(b) / median(a)).toBeLessThan(1.5);
  });

  it("streams that parcel's events and its locker's online state, not its neighbour's", async () => {
    const { chain, link } = await enrolledUnit(cloud, 'PAGE-4', 83);
    const mine = await allocate('PAGE-4', 'PG-5');
    await allocate('PAGE-4', 'PG-6');
    const { path, token } = split(mine.statusUrl);
    const reader = await SseReader.open(`${cloud.httpUrl}${path}/stream?t=${token}`);
    readers.push(reader);
    expect(reader.status).toBe(200);
    await link.publishEvents([deposit(chain, 'PG-6', 'A2'), deposit(chain, 'PG-5', 'A1')]);
    await link.publishRaw(
      link.topics.presence,
      JSON.stringify({ v: 1, status: 'online', at: new Date(cloud.clock.now()).toISOString() }),
    );
    await reader.until((r) => r.messages.some((m) => m.event === 'locker.changed'));
    await reader.until((r) => r.messages.some((m) => m.event === 'parcel.deposited'));
    const events = reader.parsed();
    expect(events.filter((e) => e.type.startsWith('parcel.')).map((e) => e.parcelId)).toEqual([
      'PG-5',
    ]);
    for (const e of events.filter((x) => x.type === 'locker.changed'))
      expect(Object.keys(e.data)).toEqual(['online']);
    await link.close();
  });

  it("sends the code again in the customer's language, at most 3 times an hour, from the page or by the merchant", async () => {
    const { chain, link } = await enrolledUnit(cloud, 'PAGE-5', 84);
    const allocation = await allocate('PAGE-5', 'PG-7', { language: 'de' });
    const { path, token } = split(allocation.statusUrl);
    const resend = () => fetch(`${cloud.httpUrl}${path}/resend?t=${token}`, { method: 'POST' });
    expect((await resend()).status).toBe(409); // not in the locker yet
    await link.publishEvents([deposit(chain, 'PG-7', 'A1')]);
    await link.acks.until((seq) => seq === 1);
    const [first] = await inbox(cloud, 'parcelId=PG-7');
    expect(first!.subject).toBe('Ihr Paket TRKPG-7 liegt bereit: Locker PAGE-5');
    expect(first!.text).toContain(`Abholcode: ${first!.code}`);

    expect((await resend()).status).toBe(200);
    const byMerchant = await cloud.request(
      'POST',
      `/api/v1/allocations/${allocation.allocationId}/resend-code`,
      undefined,
      'merchant',
    );
    expect(byMerchant).toEqual({
      status: 200,
      body: { allocationId: allocation.allocationId, sent: true },
    });
    cloud.clock.advance(1);
    expect((await resend()).status).toBe(200);
    cloud.clock.advance(1);
    const limited = await resend();
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: 'too_many_resends' });
    const sent = await inbox(cloud, 'parcelId=PG-7');
    expect(sent).toHaveLength(4);
    expect(sent.every((n) => n.code === first!.code && n.text.includes('Abholcode'))).toBe(true);
    cloud.clock.advance(3_600_000);
    expect((await resend()).status).toBe(200);
    await link.close();
  });

  it('writes to the customer in Polish when asked, and keeps English the default', async () => {
    const { chain, link } = await enrolledUnit(cloud, 'PAGE-6', 85);
    await allocate('PAGE-6', 'PG-8', { language: 'pl' });
    await allocate('PAGE-6', 'PG-9');
    await link.publishEvents([deposit(chain, 'PG-8', 'A1'), deposit(chain, 'PG-9', 'A2')]);
    await link.acks.until((seq) => seq === 2);
    expect((await inbox(cloud, 'parcelId=PG-8'))[0]!.text).toContain('Kod odbioru');
    expect((await inbox(cloud, 'parcelId=PG-9'))[0]!.text).toContain('Pickup code');
    await link.close();
  });

  it("writes a return's code in the language its request names", async () => {
    await enrolledUnit(cloud, 'PAGE-7', 86).then((u) => u.link.close());
    const customer = { name: 'Ada', email: 'ada@example.org' };
    const de = await cloud.request<{ returnId: string; returnCode: string }>(
      'POST',
      '/api/v1/returns',
      { lockerId: 'PAGE-7', size: 'S', customer, language: 'de' },
      'merchant',
    );
    expect(de.status).toBe(201);
    const [notice] = await inbox(cloud, 'lockerId=PAGE-7');
    expect(notice).toMatchObject({ kind: 'return_code', code: de.body.returnCode });
    expect(notice!.subject).toBe('Ihr Retourencode für Locker PAGE-7');
    expect(notice!.text).toContain(`mit dem Code ${de.body.returnCode}`);
  });
});
