import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolledUnit, startTestCloud, type TestCloud } from '../testSupport/cloudFixture';

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud.close());

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('an event’s ack on an idle cloud', () => {
  it('comes back within a few milliseconds of the broker’s PUBACK, not a delayed-ACK timer (40 ms) later', async () => {
    const { chain, link } = await enrolledUnit(cloud, 'ACK-FAST', 41);
    const puback: number[] = [];
    const acked: number[] = [];
    for (let i = 0; i < 30; i++) {
      const e = chain.next('door.opened', {
        compartmentId: 'A1',
        operation: 'staff_open',
        operationId: i + 1,
      });
      const t = performance.now();
      await link.publishEvents([e]);
      puback.push(performance.now() - t);
      await link.acks.until((seq) => seq >= e.seq);
      acked.push(performance.now() - t);
    }
    // The peer is the broker's own round trip in the same run. Nagle's algorithm on the
    // cloud's link held each ack's payload behind its header until the broker's delayed ACK:
    // 40 ms on Linux, whatever the machine's load, ~90 ms per event with the unit's own stall.
    expect(median(acked.slice(5)) - median(puback.slice(5))).toBeLessThan(30);
    await link.close();
  });
});
