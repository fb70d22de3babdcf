import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedEvent } from '../../src/shared/events';
import type { SignedCommand } from '../../src/shared/protocol/commands';
import type { CompartmentSpec, LockerDetail } from '../../src/shared/rest/schemas';
import type { StatusEvent } from '../../src/shared/rest/statusEvents';
import { openDatabase } from '../store/database';
import { statusEventsAfter } from '../store/statusEvents';
import { recountAvailability } from '../testSupport/capacityRecount';
import {
  allocationRequest,
  enrolledUnit,
  inbox,
  LAYOUT,
  provisionAndEnroll,
  startTestCloud,
  type TestCloud,
} from '../testSupport/cloudFixture';
import { DeviceChain, DeviceLink } from '../testSupport/device';

// Each capacity rule at the REST level: the promise the cloud must refuse (409), or may make
// again once the unit has confirmed what frees it. S×2, M×2, L×1 unless a test says otherwise.
const L_ONLY = { lengthMm: 500, widthMm: 380, heightMm: 300 }; // too tall for M (190)
const M_ONLY = { lengthMm: 350, widthMm: 300, heightMm: 150 }; // too tall for S (90)
const DAY = 86_400_000;

let cloud: TestCloud;
let seed = 60;
beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud.close());

interface Unit {
  chain: DeviceChain;
  link: DeviceLink;
  send(...events: SignedEvent[]): Promise<void>;
}

async function unit(lockerId: string, compartments?: CompartmentSpec[]): Promise<Unit> {
  let chain: DeviceChain;
  let link: DeviceLink;
  if (compartments) {
    const locker = await provisionAndEnroll(cloud, lockerId, { compartments }, seed++);
    chain = new DeviceChain(lockerId, locker.key, cloud.clock);
    link = await DeviceLink.connect(cloud.mqttUrl, locker.login, {
      cloudPublicKey: cloud.cloudPublicKey,
    });
  } else {
    ({ chain, link } = await enrolledUnit(cloud, lockerId, seed++));
  }
  return {
    chain,
    link,
    send: async (...events) => {
      await link.publishEvents(events);
      await link.acks.until((seq) => seq === events.at(-1)!.seq);
    },
  };
}

const allocate = (lockerId: string, parcelId: string, dimensions: object) =>
  cloud.request<{ allocationId: string; size: string; error?: string }>(
    'POST',
    '/api/v1/allocations',
    allocationRequest(lockerId, parcelId, { dimensions }),
    'merchant',
  );

const detail = async (lockerId: string) =>
  (await cloud.request<LockerDetail>('GET', `/api/v1/lockers/${lockerId}`)).body;

function withDb<T>(read: (db: ReturnType<typeof openDatabase>) => T): T {
  const db = openDatabase(join(cloud.dataDir, 'cloud.sqlite'));
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** What the allocation's merchant and customer were told (its events name it in `data`). */
const statusOf = (allocationId: string): StatusEvent[] =>
  withDb((db) => statusEventsAfter(db, 0, 10_000)).filter(
    (e) => e.data['allocationId'] === allocationId,
  );

/** The table the cloud keeps and the count from scratch agree (capacityRecount). */
async function expectTableAgrees(lockerId: string): Promise<void> {
  const shown = (await detail(lockerId)).availability;
  expect(shown).toEqual(withDb((db) => recountAvailability(db, lockerId)));
}

const result = (
  chain: DeviceChain,
  command: SignedCommand,
  outcome: { ok: true } | { ok: false; error: string; detail?: string },
) => chain.next('command.result', { commandId: command.id, type: command.type, ...outcome });

function unannouncedDeposit(chain: DeviceChain, parcelId: string, compartmentId: string) {
  const size = LAYOUT.find((c) => c.id === compartmentId)?.size ?? 'L';
  const trackingBarcode = `TRK${parcelId}`;
  return [
    chain.next('deposit.reserved', {
      parcelId,
      trackingBarcode,
      compartmentId,
      size,
      courier: 'c',
      announced: false,
    }),
    chain.next('parcel.deposited', {
      parcelId,
      trackingBarcode,
      compartmentId,
      courier: 'c',
      expiresAt: new Date(cloud.clock.now() + 3 * DAY).toISOString(),
      announced: false,
    }),
  ];
}

describe('what the cloud may promise', () => {
  it('no longer promises a compartment the unit reports removed', async () => {
    const u = await unit('CAP-REMOVED');
    await u.send(u.chain.next('compartment.removed', { compartmentId: 'C1' }));
    const r = await allocate('CAP-REMOVED', 'R-1', L_ONLY);
    expect(r.status).toBe(409);
    expect((await detail('CAP-REMOVED')).availability.L).toBe(0);
    expect((await detail('CAP-REMOVED')).compartments.map((c) => c.id)).not.toContain('C1');
    await expectTableAgrees('CAP-REMOVED');
    await u.link.close();
  });

  it('promises a compartment the unit reports added, with the shape of its size; one it knew changes nothing', async () => {
    const u = await unit('CAP-ADDED');
    await u.send(
      u.chain.next('compartment.added', { compartmentId: 'B1', size: 'M' }),
      u.chain.next('compartment.added', { compartmentId: 'B3', size: 'M' }),
    );
    const sizes = [];
    for (const [i, dims] of [M_ONLY, M_ONLY, L_ONLY, M_ONLY].entries()) {
      const r = await allocate('CAP-ADDED', `AD-${i}`, dims);
      expect(r.status, `allocation ${i}`).toBe(201);
      sizes.push(r.body.size);
    }
    expect(sizes).toEqual(['M', 'M', 'L', 'M']);
    expect((await allocate('CAP-ADDED', 'AD-5', M_ONLY)).status).toBe(409);
    await expectTableAgrees('CAP-ADDED');
    await u.link.close();
  });

  it('carries a shortfall in one size into the larger sizes', async () => {
    const u = await unit('CAP-SHORT');
    expect((await allocate('CAP-SHORT', 'SH-1', M_ONLY)).status).toBe(201);
    expect((await allocate('CAP-SHORT', 'SH-2', M_ONLY)).status).toBe(201);
    // One M goes out of service: one of the two M parcels will take the L.
    await u.send(
      u.chain.next('compartment.out_of_service', { compartmentId: 'B2', reason: 'r', actor: 'a' }),
    );
    expect((await detail('CAP-SHORT')).availability).toEqual({ S: 2, M: 0, L: 0, XL: 0 });
    const r = await allocate('CAP-SHORT', 'SH-3', L_ONLY);
    expect(r.status).toBe(409);
    expect(r.body.error).toBe('no_capacity');
    // Small parcels still go in S.
    expect((await allocate('CAP-SHORT', 'SH-4', allocationRequest('', '').dimensions)).status).toBe(
      201,
    );
    await expectTableAgrees('CAP-SHORT');
    await u.link.close();
  });

  it('fits by the dimensions of the compartments actually free, not by size class alone', async () => {
    const layout: CompartmentSpec[] = [
      LAYOUT[0]!,
      { ...LAYOUT[4]!, id: 'C1' }, // tall L: 600 × 400 × 390
      { ...LAYOUT[4]!, id: 'C2', inner: { lengthMm: 600, widthMm: 400, heightMm: 200 } },
    ];
    const u = await unit('CAP-FIT', layout);
    await u.send(...unannouncedDeposit(u.chain, 'FIT-IN', 'C1'));
    expect((await detail('CAP-FIT')).availability.L).toBe(1);
    // Only the tall L takes it, and that one is occupied.
    const r = await allocate('CAP-FIT', 'FIT-1', L_ONLY);
    expect(r.status).toBe(409);
    expect(r.body.error).toBe('no_capacity');
    // A flatter parcel fits the free short L.
    const flat = await allocate('CAP-FIT', 'FIT-2', { lengthMm: 500, widthMm: 380, heightMm: 180 });
    expect(flat.status).toBe(201);
    expect(flat.body.size).toBe('L');
    await u.link.close();
  });
});

describe('capacity is released only when the unit confirms', () => {
  it('holds a cancelled allocation’s compartment until the unit confirms the cancel', async () => {
    const u = await unit('CAP-CANCEL');
    const first = await allocate('CAP-CANCEL', 'CC-1', L_ONLY);
    expect(first.status).toBe(201);
    await u.link.commands.until((c) => c.type === 'parcel.expect');
    const cancelled = await cloud.request(
      'POST',
      `/api/v1/allocations/${first.body.allocationId}/cancel`,
      undefined,
      'merchant',
    );
    expect(cancelled.status).toBe(200);
    const cancel = await u.link.commands.until((c) => c.type === 'parcel.cancel');
    expect((await allocate('CAP-CANCEL', 'CC-2', L_ONLY)).status).toBe(409);
    const shown = (await detail('CAP-CANCEL')).parcels.find((p) => p.parcelId === 'CC-1');
    expect(shown).toMatchObject({ state: 'cancelled', pending: 'cancel' });
    await expectTableAgrees('CAP-CANCEL');

    await u.send(
      u.chain.next('parcel.cancelled', { parcelId: 'CC-1' }),
      result(u.chain, cancel, { ok: true }),
    );
    expect((await allocate('CAP-CANCEL', 'CC-3', L_ONLY)).status).toBe(201);
    expect(statusOf(first.body.allocationId).map((e) => e.type)).toEqual(['parcel.cancelled']);
    await expectTableAgrees('CAP-CANCEL');
    await u.link.close();
  });

  it('reports a cancel the unit refuses (deposit in progress) to the merchant and keeps the promise', async () => {
    const u = await unit('CAP-REFUSE');
    const first = await allocate('CAP-REFUSE', 'RF-1', L_ONLY);
    await cloud.request('POST', `/api/v1/allocations/${first.body.allocationId}/cancel`);
    const cancel = await u.link.commands.until((c) => c.type === 'parcel.cancel');
    await u.send(
      result(u.chain, cancel, { ok: false, error: 'conflict', detail: 'deposit in progress' }),
    );
    const events = statusOf(first.body.allocationId);
    expect(events).toMatchObject([
      {
        type: 'parcel.cancel_refused',
        data: { reason: 'conflict', detail: 'deposit in progress' },
      },
    ]);
    const shown = (await detail('CAP-REFUSE')).parcels.find((p) => p.parcelId === 'RF-1');
    expect(shown).toMatchObject({
      state: 'expected',
      pending: null,
      lockerRefusal: 'cancel refused: deposit in progress',
    });
    // The merchant reads it on the allocation itself.
    const own = await cloud.request(
      'GET',
      `/api/v1/allocations/${first.body.allocationId}`,
      undefined,
      'merchant',
    );
    expect(own).toMatchObject({
      status: 200,
      body: { lockerId: 'CAP-REFUSE', state: 'expected', lockerRefusal: shown?.lockerRefusal },
    });
    expect((await allocate('CAP-REFUSE', 'RF-2', L_ONLY)).status).toBe(409);
    // The deposit it was refused for completes normally.
    await u.send(
      u.chain.next('deposit.reserved', {
        parcelId: 'RF-1',
        trackingBarcode: 'TRKRF-1',
        compartmentId: 'C1',
        size: 'L',
        courier: 'c',
        announced: true,
      }),
      u.chain.next('parcel.deposited', {
        parcelId: 'RF-1',
        trackingBarcode: 'TRKRF-1',
        compartmentId: 'C1',
        courier: 'c',
        expiresAt: new Date(cloud.clock.now() + 3 * DAY).toISOString(),
        announced: true,
      }),
    );
    expect((await detail('CAP-REFUSE')).parcels.find((p) => p.parcelId === 'RF-1')?.state).toBe(
      'deposited',
    );
    await expectTableAgrees('CAP-REFUSE');
    await u.link.close();
  });

  it('holds a lapsed allocation’s compartment until the unit confirms the lapse', async () => {
    const u = await unit('CAP-LAPSE');
    const first = await allocate('CAP-LAPSE', 'LP-1', L_ONLY);
    cloud.clock.advance(8 * DAY);
    await cloud.tick();
    const cancel = await u.link.commands.until((c) => c.type === 'parcel.cancel');
    expect((await allocate('CAP-LAPSE', 'LP-2', L_ONLY)).status).toBe(409);
    expect((await detail('CAP-LAPSE')).parcels[0]).toMatchObject({ pending: 'lapse' });
    await u.send(result(u.chain, cancel, { ok: true }));
    expect((await allocate('CAP-LAPSE', 'LP-3', L_ONLY)).status).toBe(201);
    expect(statusOf(first.body.allocationId).map((e) => e.type)).toEqual(['parcel.lapsed']);
    await u.link.close();
  });

  it('cancels a return over REST, and frees its compartment once the unit confirms', async () => {
    const u = await unit('CAP-RET');
    // A merchant's own return: it reads and cancels it with its own key.
    const ret = await cloud.request<{ returnId: string }>(
      'POST',
      '/api/v1/returns',
      { lockerId: 'CAP-RET', size: 'L', customer: { name: 'Ada', email: 'ada@example.org' } },
      'merchant',
    );
    expect(ret.status).toBe(201);
    await u.link.commands.until((c) => c.type === 'return.expect');
    expect((await allocate('CAP-RET', 'RT-1', L_ONLY)).status).toBe(409);
    const cancelled = await cloud.request<{ state: string; commandId: string }>(
      'POST',
      `/api/v1/returns/${ret.body.returnId}/cancel`,
      undefined,
      'merchant',
    );
    expect(cancelled.status).toBe(200);
    const cancel = await u.link.commands.until((c) => c.type === 'return.cancel');
    expect((await allocate('CAP-RET', 'RT-2', L_ONLY)).status).toBe(409);
    expect(
      (await cloud.request('GET', `/api/v1/returns/${ret.body.returnId}`, undefined, 'merchant'))
        .body,
    ).toMatchObject({ lockerId: 'CAP-RET', state: 'cancelled', pending: 'cancel' });
    await u.send(result(u.chain, cancel, { ok: true }));
    expect((await allocate('CAP-RET', 'RT-3', L_ONLY)).status).toBe(201);
    const again = await cloud.request('POST', `/api/v1/returns/${ret.body.returnId}/cancel`);
    expect(again.status).toBe(409);
    const types = withDb((db) => statusEventsAfter(db, 0, 10_000))
      .filter((e) => e.returnId === ret.body.returnId)
      .map((e) => e.type);
    expect(types).toEqual(['return.cancelled']);
    await expectTableAgrees('CAP-RET');
    await u.link.close();
  });

  it('holds a return dropped before its cancel reached the unit once, by its compartment, not twice', async () => {
    const u = await unit('CAP-RETDROP');
    const ret = await cloud.request<{ returnId: string }>('POST', '/api/v1/returns', {
      lockerId: 'CAP-RETDROP',
      size: 'L',
      customer: { name: 'Ada', email: 'ada@example.org' },
    });
    await cloud.request('POST', `/api/v1/returns/${ret.body.returnId}/cancel`);
    const cancel = await u.link.commands.until((c) => c.type === 'return.cancel');
    // The customer dropped it in C1 before the cancel arrived; the unit then refuses the cancel.
    await u.send(
      u.chain.next('return.deposited', { returnId: ret.body.returnId, compartmentId: 'C1' }),
      result(u.chain, cancel, { ok: false, error: 'conflict', detail: 'return is deposited' }),
    );
    expect((await detail('CAP-RETDROP')).returns[0]).toMatchObject({
      state: 'deposited',
      pending: null,
    });
    // C1 is occupied by the return: nothing else is held, so both M are still offered.
    expect((await detail('CAP-RETDROP')).availability).toEqual({ S: 2, M: 2, L: 0, XL: 0 });
    await expectTableAgrees('CAP-RETDROP');
    await u.link.close();
  });

  it('lapses a return nobody dropped, and frees its compartment once the unit confirms', async () => {
    const u = await unit('CAP-RETLAPSE');
    const ret = await cloud.request<{ returnId: string }>('POST', '/api/v1/returns', {
      lockerId: 'CAP-RETLAPSE',
      size: 'L',
      customer: { name: 'Ada', email: 'ada@example.org' },
    });
    expect(ret.status).toBe(201);
    cloud.clock.advance(8 * DAY);
    await cloud.tick();
    const cancel = await u.link.commands.until((c) => c.type === 'return.cancel');
    expect((await allocate('CAP-RETLAPSE', 'RL-1', L_ONLY)).status).toBe(409);
    await u.send(result(u.chain, cancel, { ok: true }));
    expect((await allocate('CAP-RETLAPSE', 'RL-2', L_ONLY)).status).toBe(201);
    const shown = (await detail('CAP-RETLAPSE')).returns[0];
    expect(shown).toMatchObject({ state: 'cancelled', pending: null });
    await expectTableAgrees('CAP-RETLAPSE');
    await u.link.close();
  });
});

describe('command results are acted upon', () => {
  it('a refused parcel.expect releases its capacity and tells the merchant', async () => {
    const u = await unit('CAP-EXPECT');
    const first = await allocate('CAP-EXPECT', 'EX-1', L_ONLY);
    const expect_ = await u.link.commands.until((c) => c.type === 'parcel.expect');
    expect((await allocate('CAP-EXPECT', 'EX-2', L_ONLY)).status).toBe(409);
    await u.send(
      result(u.chain, expect_, {
        ok: false,
        error: 'conflict',
        detail: 'code already in use at this locker',
      }),
    );
    expect(statusOf(first.body.allocationId)).toMatchObject([
      { type: 'parcel.expect_refused', data: { reason: 'conflict' } },
    ]);
    expect((await detail('CAP-EXPECT')).parcels.find((p) => p.parcelId === 'EX-1')).toMatchObject({
      state: 'cancelled',
      lockerRefusal: 'refused by locker: conflict: code already in use at this locker',
    });
    expect((await allocate('CAP-EXPECT', 'EX-3', L_ONLY)).status).toBe(201);
    await expectTableAgrees('CAP-EXPECT');
    await u.link.close();
  });

  it('a refused extend restores the old expiry and tells the merchant', async () => {
    const u = await unit('CAP-EXTEND');
    const first = await allocate('CAP-EXTEND', 'XT-1', L_ONLY);
    const expiresAt = new Date(cloud.clock.now() + 3 * DAY).toISOString();
    await u.send(
      u.chain.next('parcel.deposited', {
        parcelId: 'XT-1',
        trackingBarcode: 'TRKXT-1',
        compartmentId: 'C1',
        courier: 'c',
        expiresAt,
        announced: true,
      }),
    );
    const extended = await cloud.request<{ expiresAt: string }>(
      'POST',
      `/api/v1/allocations/${first.body.allocationId}/extend`,
      { days: 2 },
      'merchant',
    );
    expect(extended.status).toBe(200);
    const extend = await u.link.commands.until((c) => c.type === 'parcel.extend');
    await u.send(
      result(u.chain, extend, { ok: false, error: 'conflict', detail: 'parcel is picked_up' }),
    );
    const shown = (await detail('CAP-EXTEND')).parcels.find((p) => p.parcelId === 'XT-1');
    expect(shown).toMatchObject({ holdDays: 3, expiresAt });
    expect(statusOf(first.body.allocationId).map((e) => e.type)).toContain('parcel.extend_refused');
    await u.link.close();
  });

  it('resends a pending command with no result on a timer, backing off', async () => {
    const u = await unit('CAP-RESEND');
    await allocate('CAP-RESEND', 'RS-1', L_ONLY);
    const sent = await u.link.commands.until((c) => c.type === 'parcel.expect');
    const copies = () => u.link.commands.all.filter((c) => c.id === sent.id).length;
    const tickAfter = async (ms: number) => {
      cloud.clock.advance(ms);
      await cloud.tick();
      await new Promise((resolve) => setTimeout(resolve, 200));
    };
    await tickAfter(10_000);
    expect(copies()).toBe(1);
    await tickAfter(25_000); // 35 s after the first send
    expect(copies()).toBe(2);
    await tickAfter(35_000); // 35 s after the resend: the next waits a minute
    expect(copies()).toBe(2);
    await tickAfter(30_000);
    expect(copies()).toBe(3);
    // Answered: never sent again.
    await u.send(result(u.chain, sent, { ok: true }));
    await tickAfter(3_600_000);
    expect(copies()).toBe(3);
    await u.link.close();
  });
});

describe('a misdelivered parcel', () => {
  it('is matched to its allocation by barcode, and the customer is told which locker it is at', async () => {
    const meant = await unit('CAP-MEANT');
    const at = await unit('CAP-AT');
    const allocation = await allocate('CAP-MEANT', 'MD-1', L_ONLY);
    expect(allocation.status).toBe(201);
    // The courier put it in the wrong locker, which had not been told of it.
    const deposited = [
      at.chain.next('deposit.reserved', {
        parcelId: 'local-md2',
        trackingBarcode: 'TRKMD-1',
        compartmentId: 'B2',
        size: 'M',
        courier: 'c',
        announced: false,
      }),
      at.chain.next('parcel.deposited', {
        parcelId: 'local-md2',
        trackingBarcode: 'TRKMD-1',
        compartmentId: 'B2',
        courier: 'c',
        expiresAt: new Date(cloud.clock.now() + 3 * DAY).toISOString(),
        announced: false,
      }),
    ];
    await at.send(...deposited);
    const notices = await inbox(cloud, 'parcelId=local-md2');
    const notice = notices.find((n) => n.kind === 'pickup_code');
    expect(notice?.to).toContain('ada@example.org');
    expect(notice?.subject).toContain('Locker CAP-AT');
    expect(statusOf(allocation.body.allocationId)).toMatchObject([
      { type: 'parcel.misdelivered', data: { atLockerId: 'CAP-AT' } },
    ]);
    // The locker it was meant for lets its promise go once it confirms the cancel.
    const cancel = await meant.link.commands.until((c) => c.type === 'parcel.cancel');
    expect((await detail('CAP-MEANT')).parcels[0]).toMatchObject({
      state: 'cancelled',
      misdeliveredTo: 'CAP-AT',
    });
    await meant.send(result(meant.chain, cancel, { ok: true }));
    expect((await allocate('CAP-MEANT', 'MD-2', L_ONLY)).status).toBe(201);
    await meant.link.close();
    await at.link.close();
  });
});
