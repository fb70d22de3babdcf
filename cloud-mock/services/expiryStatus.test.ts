import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllocationResponse } from '../../src/shared/rest/schemas';
import {
  allocationRequest,
  enrolledUnit,
  inbox,
  startTestCloud,
  type TestCloud,
} from '../testSupport/cloudFixture';
import { SseReader } from '../testSupport/sseReader';

const DAY = 86_400_000;
const HOUR = 3_600_000;
let cloud: TestCloud;

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud.close());

describe("the reminder, the warning and the expiry follow the parcel's real deadline", () => {
  it('moves the warning with an extension, writes it in the customer language, and tells of the expiry once, whoever sees it first', async () => {
    const { chain, link } = await enrolledUnit(cloud, 'EXP-1', 140);
    const allocation = (
      await cloud.request<AllocationResponse>(
        'POST',
        '/api/v1/allocations',
        allocationRequest('EXP-1', 'X-1', { language: 'de' }),
        'merchant',
      )
    ).body;
    const depositedAt = cloud.clock.now();
    await link.publishEvents([
      chain.next('parcel.deposited', {
        parcelId: 'X-1',
        trackingBarcode: 'TRKX-1',
        compartmentId: 'A1',
        courier: 'courier-7',
        expiresAt: new Date(depositedAt + 3 * DAY).toISOString(),
        announced: true,
      }),
    ]);
    await link.acks.until((seq) => seq === 1);
    const stream = await SseReader.open(`${cloud.httpUrl}/api/v1/lockers/EXP-1/stream?after=0`, {
      authorization: `Bearer ${cloud.keys.dashboard}`,
    });
    try {
      cloud.clock.ms = depositedAt + DAY;
      const extended = await cloud.request(
        'POST',
        `/api/v1/allocations/${allocation.allocationId}/extend`,
        { days: 2 },
        'merchant',
      );
      expect(extended.status).toBe(200);
      // Where the old deadline's warning was due: the new deadline is two days later.
      cloud.clock.ms = depositedAt + 3 * DAY - 11 * HOUR;
      expect(await cloud.tick()).toMatchObject({ reminders: 1, warnings: 0, expired: 0 });
      cloud.clock.ms = depositedAt + 5 * DAY - 11 * HOUR;
      expect(await cloud.tick()).toMatchObject({ warnings: 1 });
      const warning = (await inbox(cloud, 'parcelId=X-1')).find((n) => n.kind === 'expiry_warning');
      expect(warning!.text).toContain(new Date(depositedAt + 5 * DAY).toISOString());
      expect(warning!.subject).toBe('Letzter Tag für Ihr Paket TRKX-1');

      cloud.clock.ms = depositedAt + 5 * DAY;
      expect(await cloud.tick()).toMatchObject({ expired: 1 });
      // The cloud saw the deadline pass first: its customer and merchant hear now, not later.
      await stream.until((r) => r.messages.some((m) => m.event === 'parcel.expired'), 2_000);
      await link.publishEvents([
        chain.next('parcel.expired', { parcelId: 'X-1', compartmentId: 'A1' }),
      ]);
      await link.acks.until((seq) => seq === 2);
      await stream.until((r) => r.messages.some((m) => m.event === 'parcel.expired'));
      // One more status event, so the unit's expiry has surely been through the feed too.
      await link.publishEvents([
        chain.next('parcel.collected', {
          parcelId: 'X-1',
          compartmentId: 'A1',
          actor: 'courier-7',
        }),
      ]);
      await stream.until((r) => r.messages.some((m) => m.event === 'parcel.returned_to_sender'));
      expect(stream.messages.filter((m) => m.event === 'parcel.expired')).toHaveLength(1);
    } finally {
      await stream.close();
      await link.close();
    }
  });
});
