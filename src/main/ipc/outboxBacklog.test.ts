/**
 * The outbox backlog the screens show after every commit: right as acks come, events are
 * pruned and the cloud rewinds, and read from the ends of the chain, so its cost does not grow
 * with the thousands of events an offline unit holds.
 */
import { describe, expect, it } from 'vitest';
import { appendBacklog } from '../cloud/testSupport/kioskActions';
import { startFixture, type Fixture } from '../services/testSupport/kioskFixture';
import { recordAckReceipt } from '../store/ackReceipts';
import { chainHead, listEvents, pruneDelivered, setAckedSeq } from '../store/events';
import { outboxBacklog } from './queries';

const head = (f: Fixture) => chainHead(f.db)?.seq ?? 0;
const timeOf = (f: Fixture, seq: number) =>
  Date.parse((JSON.parse(listEvents(f.db, seq, 1)[0]!.body) as { at: string }).at);

/** The median time of `runs` calls, in ms. */
function median(call: () => unknown, runs = 41): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    call();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

describe('the outbox backlog', () => {
  it('counts what the cloud has not acked and dates the oldest, through acks, pruning and rewinds', async () => {
    const f = await startFixture();
    appendBacklog(f, 10);
    f.clock.advance(60_000);
    appendBacklog(f, 10);
    const n = head(f);
    expect(outboxBacklog(f.db)).toEqual({ waiting: n, oldestAt: timeOf(f, 1) });

    setAckedSeq(f.db, 12);
    expect(outboxBacklog(f.db)).toEqual({ waiting: n - 12, oldestAt: timeOf(f, 13) });

    recordAckReceipt(f.db, 12, f.clock.now());
    expect(pruneDelivered(f.db, f.clock.now())).toBe(12);
    expect(outboxBacklog(f.db)).toEqual({ waiting: n - 12, oldestAt: timeOf(f, 13) });

    // A rewind below what was pruned: only what is still held can be sent again.
    setAckedSeq(f.db, 5);
    expect(outboxBacklog(f.db)).toEqual({ waiting: n - 12, oldestAt: timeOf(f, 13) });

    setAckedSeq(f.db, n);
    expect(outboxBacklog(f.db)).toEqual({ waiting: 0, oldestAt: null });
  });

  it('costs no more with 20,000 events waiting than with 20', async () => {
    const few = await startFixture();
    appendBacklog(few, 20);
    const many = await startFixture();
    appendBacklog(many, 20_000, 100);
    expect(outboxBacklog(many.db).waiting).toBe(head(many));
    median(() => outboxBacklog(few.db)); // warm both up alike
    median(() => outboxBacklog(many.db));
    const ratio = median(() => outboxBacklog(many.db)) / median(() => outboxBacklog(few.db));
    // Read from the chain's ends it is the same two lookups; counting rows it was ~1000×.
    expect(ratio).toBeLessThan(5);
  });
});
