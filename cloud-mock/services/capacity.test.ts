import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPARTMENT_STATES, type Size } from '../../src/shared/domain';
import type { SignedEvent } from '../../src/shared/events';
import type { AllocationResponse, LockerDetail } from '../../src/shared/rest/schemas';
import { openDatabase } from '../store/database';
import { recountAvailability } from '../testSupport/capacityRecount';
import {
  allocationRequest,
  enrolledUnit,
  LAYOUT,
  startTestCloud,
  type TestCloud,
} from '../testSupport/cloudFixture';
import { signedSnapshot } from '../testSupport/device';

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud.close());

/** Deterministic, so a failure replays. */
function lcg(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return Math.floor((x / 2 ** 31) * n); // the high bits: an LCG's low bits repeat quickly
  };
}

const SIZES_BY_DIMENSIONS = [
  { lengthMm: 300, widthMm: 200, heightMm: 80 },
  { lengthMm: 350, widthMm: 300, heightMm: 150 },
  { lengthMm: 550, widthMm: 380, heightMm: 300 },
];

describe('the capacity table', () => {
  it('always equals availability counted from scratch, through allocations, cancels and their confirmations or refusals, returns and their cancels, layout changes, events and snapshots in any order', async () => {
    const lockerId = 'CAP-1';
    const { chain, link } = await enrolledUnit(cloud, lockerId, 41);
    const random = lcg(2026);
    const pick = <T>(items: readonly T[]): T => items[random(items.length)]!;
    const expected: string[] = [];
    const returns: { returnId: string; size: Size }[] = [];
    const deposited = new Map<string, string>(); // compartment → parcel
    const removed = new Set<string>();
    const answered = new Set<string>();
    let parcels = 0;

    const send = async (...events: SignedEvent[]) => {
      await link.publishEvents(events);
      await link.acks.until((seq) => seq === events.at(-1)!.seq);
    };
    const steps: (() => Promise<unknown>)[] = [
      () => {
        // The unit answers a command it got: a cancel confirmed or refused, an expect refused.
        const open = link.commands.all.filter(
          (c) =>
            !answered.has(c.id) &&
            ['parcel.cancel', 'return.cancel', 'parcel.expect', 'return.expect'].includes(c.type),
        );
        const cancels = open.filter((x) => x.type.endsWith('.cancel'));
        const from = cancels.length > 0 && random(2) === 0 ? cancels : open;
        const c = from[random(from.length)];
        if (!c) return Promise.resolve();
        answered.add(c.id);
        const refused = random(2) === 0;
        return send(
          chain.next('command.result', {
            commandId: c.id,
            type: c.type,
            ok: !refused,
            ...(refused ? { error: 'conflict', detail: 'deposit in progress' } : {}),
          }),
        );
      },
      async () => {
        const r = returns.splice(random(returns.length + 1), 1)[0];
        if (r) await cloud.request('POST', `/api/v1/returns/${r.returnId}/cancel`);
      },
      () => {
        // The unit's layout changes: a compartment removed, or one removed added back.
        const c = pick(LAYOUT);
        if (removed.delete(c.id))
          return send(chain.next('compartment.added', { compartmentId: c.id, size: c.size }));
        if (deposited.has(c.id)) return Promise.resolve();
        removed.add(c.id);
        return send(chain.next('compartment.removed', { compartmentId: c.id }));
      },
      async () => {
        const r = await cloud.request<AllocationResponse>(
          'POST',
          '/api/v1/allocations',
          allocationRequest(lockerId, `A-${parcels++}`, {
            dimensions: pick(SIZES_BY_DIMENSIONS),
          }),
          'merchant',
        );
        if (r.status === 201) expected.push(r.body.allocationId);
      },
      async () => {
        const id = expected.splice(random(expected.length + 1), 1)[0];
        if (id) await cloud.request('POST', `/api/v1/allocations/${id}/cancel`, undefined);
      },
      async () => {
        const size = pick(['S', 'M', 'L', 'XL'] as const);
        const r = await cloud.request<{ returnId: string }>('POST', '/api/v1/returns', {
          lockerId,
          size,
          customer: { name: 'Ada', email: 'ada@example.org' },
        });
        if (r.status === 201) returns.push({ returnId: r.body.returnId, size });
      },
      () => {
        const c = pick(LAYOUT).id;
        const fact = { compartmentId: c, operation: 'staff_open' as const, operationId: 1 };
        return send(chain.next(pick(['door.opened', 'door.closed'] as const), fact));
      },
      () => {
        const c = pick(LAYOUT).id;
        return send(
          random(2) === 0
            ? chain.next('compartment.out_of_service', {
                compartmentId: c,
                reason: 'r',
                actor: 'a',
              })
            : chain.next('compartment.in_service', { compartmentId: c, reason: 'r', actor: 'a' }),
        );
      },
      () => {
        const c = pick(LAYOUT);
        if (deposited.has(c.id)) {
          const parcelId = deposited.get(c.id)!;
          deposited.delete(c.id);
          return send(chain.next('parcel.picked_up', { parcelId, compartmentId: c.id }));
        }
        const parcelId = `U-${parcels++}`;
        deposited.set(c.id, parcelId);
        const trackingBarcode = `TRK${parcelId}`;
        return send(
          chain.next('deposit.reserved', {
            parcelId,
            trackingBarcode,
            compartmentId: c.id,
            size: c.size,
            courier: 'c',
            announced: false,
          }),
          chain.next('parcel.deposited', {
            parcelId,
            trackingBarcode,
            compartmentId: c.id,
            courier: 'c',
            expiresAt: '2025-06-09T08:00:00.000Z',
            announced: false,
          }),
        );
      },
      () => {
        const r = returns.shift();
        if (!r) return Promise.resolve();
        const c = LAYOUT.find((x) => x.size === r.size) ?? pick(LAYOUT);
        return send(chain.next('return.deposited', { returnId: r.returnId, compartmentId: c.id }));
      },
      async () => {
        // Behind, level with or ahead of the events: the newer of the two must count.
        const head = chain.next('lock.pulsed', {
          compartmentId: 'A1',
          operation: 'staff_open',
          operationId: 2,
          attempt: 1,
          acknowledged: true,
        });
        await send(head);
        const seq = Math.max(0, head.seq + pick([-3, 0, 2]));
        const snapshot = signedSnapshot(chain.key, {
          v: 1,
          lockerId,
          at: new Date(cloud.clock.now()).toISOString(),
          seq,
          compartments: LAYOUT.filter(() => random(5) > 0).map((c) => ({
            id: c.id,
            size: c.size,
            state: pick(COMPARTMENT_STATES),
            doorOpen: pick([true, false, null]),
            parcelId: null,
            returnId: null,
          })),
        });
        const mark = cloud.logs.records.length;
        await link.publishRaw(link.topics.state, JSON.stringify(snapshot), true);
        await link.publishRaw(link.topics.presence, JSON.stringify({ v: 1, status: 'online' }));
        await cloud.logs.waitFor(
          (r) => cloud.logs.records.indexOf(r) >= mark && r.msg === 'presence recorded',
        );
      },
    ];

    const db = openDatabase(join(cloud.dataDir, 'cloud.sqlite'));
    try {
      const seen = new Set<string>();
      for (let step = 0; step < 100; step++) {
        await pick(steps)();
        const detail = await cloud.request<LockerDetail>('GET', `/api/v1/lockers/${lockerId}`);
        const recounted = recountAvailability(db, lockerId);
        expect(detail.body.availability, `after step ${step}`).toEqual(recounted);
        seen.add(JSON.stringify(recounted));
      }
      // The walk went through many different states, not one repeated.
      expect(seen.size).toBeGreaterThan(5);
      // … and through the unit's confirmations and refusals of what lets a compartment go.
      const told = db
        .prepare('SELECT DISTINCT type FROM status_events WHERE locker_id = ?')
        .all(lockerId)
        .map((r) => (r as { type: string }).type);
      expect(told).toEqual(expect.arrayContaining(['parcel.cancelled', 'parcel.cancel_refused']));
    } finally {
      db.close();
      await link.close();
    }
  });
});
