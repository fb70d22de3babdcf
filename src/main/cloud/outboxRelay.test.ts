import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBatchSchema } from '../../shared/protocol/messages';
import { startFixture, type Fixture } from '../services/testSupport/kioskFixture';
import { ackedSeq, chainHead } from '../store/events';
import { OutboxRelay, type OutboxRelayOptions } from './outboxRelay';
import { mostInOneSecond } from './testSupport/publishTimes';

afterEach(() => vi.useRealTimers());

interface Sent {
  firstSeq: number;
  lastSeq: number;
  at: number;
}

/**
 * The cloud as the relay sees it, behind a broker that may drop publishes: a batch arrives
 * `latencyMs` after it is published, is stored in seq order after the ones before it
 * (`serviceMs` each; held behind a gap until the gap is filled) and answered with a cumulative
 * ack, `latencyMs` later.
 */
class ModelCloud {
  readonly sent: Sent[] = [];
  head = 0;
  relay!: OutboxRelay;
  private readonly held: Sent[] = [];
  private busyUntil = 0;
  private stamp = Date.now();

  constructor(
    private readonly o: {
      latencyMs: number;
      serviceMs: (index: number) => number;
      drop?: (batch: Sent, index: number) => boolean;
    },
  ) {}

  readonly publish = async (json: string): Promise<void> => {
    const { events } = EventBatchSchema.parse(JSON.parse(json));
    const batch = { firstSeq: events[0]!.seq, lastSeq: events.at(-1)!.seq, at: Date.now() };
    const index = this.sent.push(batch) - 1;
    if (this.o.drop?.(batch, index)) return;
    setTimeout(() => {
      const start = Math.max(Date.now(), this.busyUntil);
      this.busyUntil = start + this.o.serviceMs(index);
      setTimeout(() => this.store(batch), this.busyUntil - Date.now());
    }, this.o.latencyMs);
  };

  /** The cloud's ack on the unit's presence: its stored head, at once. */
  presenceAck(): void {
    this.ackIn(this.head, this.o.latencyMs);
  }

  /** How many times each seq went out. */
  timesSent(seq: number): number {
    return this.sent.filter((b) => b.firstSeq <= seq && seq <= b.lastSeq).length;
  }

  /** Events published beyond the first time each seq went out. */
  sentTwice(): number {
    const seqs = new Set<number>();
    let total = 0;
    for (const b of this.sent)
      for (let s = b.firstSeq; s <= b.lastSeq; s++) {
        total += 1;
        seqs.add(s);
      }
    return total - seqs.size;
  }

  private store(batch: Sent): void {
    if (batch.firstSeq > this.head + 1) this.held.push(batch);
    else this.head = Math.max(this.head, batch.lastSeq);
    for (let next = this.takeHeld(); next; next = this.takeHeld())
      this.head = Math.max(this.head, next.lastSeq);
    this.ackIn(this.head, this.o.latencyMs);
  }

  private takeHeld(): Sent | undefined {
    const i = this.held.findIndex((b) => b.firstSeq <= this.head + 1);
    return i < 0 ? undefined : this.held.splice(i, 1)[0];
  }

  private ackIn(upToSeq: number, ms: number): void {
    const at = ++this.stamp;
    setTimeout(() => this.relay.ack({ upToSeq, at }), ms);
  }
}

/** Appends one event, as a door or a command does while the unit is online. */
const appendOne = (f: Fixture, reason: string) =>
  f.db.transaction(() => f.core.audit.append('hardware.fault', { reason }))();

/** A relay on a fixture holding `count` events of ~1 KB (about 120 to a 128 KB message). */
async function relayWithBacklog(
  count: number,
  cloud: ModelCloud,
  o: Partial<OutboxRelayOptions> = {},
): Promise<{ f: Fixture; relay: OutboxRelay; head: number }> {
  const f = await startFixture();
  f.db.transaction(() => {
    for (let i = 0; i < count; i++)
      f.core.audit.append('hardware.fault', { reason: `${i} ${'x'.repeat(1000)}` });
  })();
  vi.useFakeTimers();
  const relay = new OutboxRelay({
    db: f.db,
    log: pino({ level: 'silent' }),
    now: () => Date.now(),
    wallClock: f.clock.now,
    onUnservableRewind: (alarm) => f.core.audit.append('cloud.rewind_unservable', alarm),
    publishesPerSecond: 100,
    publish: cloud.publish,
    ...o,
  });
  cloud.relay = relay;
  return { f, relay, head: chainHead(f.db)!.seq };
}

describe('outbox relay', () => {
  it('sends a lost first batch again within seconds, not after the whole backlog', async () => {
    const f = await startFixture();
    // A backlog of several batches: 600 events of ~1 KB at 1 publish per second.
    f.db.transaction(() => {
      for (let i = 0; i < 600; i++)
        f.core.audit.append('hardware.fault', { reason: 'x'.repeat(1000) });
    })();
    vi.useFakeTimers();
    const sentFirstSeqs: number[] = [];
    const relay = new OutboxRelay({
      db: f.db,
      log: pino({ level: 'silent' }),
      now: () => Date.now(),
      wallClock: f.clock.now,
      onUnservableRewind: (alarm) => f.core.audit.append('cloud.rewind_unservable', alarm),
      publishesPerSecond: 1,
      publish: async (json) => {
        sentFirstSeqs.push(EventBatchSchema.parse(JSON.parse(json)).events[0]!.seq);
      },
    });
    // The broker drops the first publish (the cloud had not re-subscribed yet); the cloud,
    // holding later batches behind the gap, keeps acking 0.
    relay.start();
    for (let t = 0; t < 4; t++) {
      await vi.advanceTimersByTimeAsync(1000);
      expect(relay.ack({ upToSeq: 0, at: f.clock.now() + t })).toBe('stale');
    }
    const batches = Math.ceil(relay.backlog() / 100);
    expect(batches).toBeGreaterThan(4); // the backlog is far from sent…
    expect(sentFirstSeqs.filter((seq) => seq === 1).length).toBe(2); // …and seq 1 went again
  });

  it('sends nothing twice while acks are merely slow: the cloud answers the presence at once and the first batch after 7 s', async () => {
    const cloud = new ModelCloud({ latencyMs: 5, serviceMs: (i) => (i === 0 ? 7000 : 100) });
    const { f, relay, head } = await relayWithBacklog(3000, cloud);
    relay.start();
    cloud.presenceAck();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(ackedSeq(f.db)).toBe(head);
    expect(cloud.sent.length).toBeGreaterThan(20);
    expect(cloud.sentTwice()).toBe(0);
  });

  it('with no word from the cloud at all, sends the first unacked batch again, not the whole window', async () => {
    const cloud = new ModelCloud({ latencyMs: 5, serviceMs: () => 50, drop: () => true });
    const { relay } = await relayWithBacklog(3000, cloud);
    relay.start();
    await vi.advanceTimersByTimeAsync(10_000);
    const batches = cloud.sent.filter((b) => b.firstSeq > 1);
    expect(new Set(batches.map((b) => b.firstSeq)).size).toBe(batches.length); // each once
    expect(cloud.timesSent(1)).toBeGreaterThanOrEqual(2); // the probe, with a growing wait
    expect(cloud.timesSent(1)).toBeLessThanOrEqual(3);
  });

  it('sends a batch lost in the middle of a flush again within a second or two, not after resendAfterMs', async () => {
    const cloud = new ModelCloud({
      latencyMs: 5,
      serviceMs: () => 50,
      drop: (_b, index) => index === 8,
    });
    const { f, relay, head } = await relayWithBacklog(3000, cloud, { resendAfterMs: 30_000 });
    relay.start();
    cloud.presenceAck();
    await vi.advanceTimersByTimeAsync(5_000);
    const lost = cloud.sent[8]!;
    const again = cloud.sent.find((b, i) => i > 8 && b.firstSeq === lost.firstSeq);
    expect(again).toBeDefined();
    expect(again!.at - lost.at).toBeLessThan(2_000);
    expect(ackedSeq(f.db)).toBe(head);
    expect(cloud.sentTwice()).toBe(lost.lastSeq - lost.firstSeq + 1); // that batch alone
  });

  it('sends everything after the probe again when the cloud answers the probe and nothing sent before it', async () => {
    // The broker dropped all that was sent in the first half second (nobody subscribed yet).
    let cutoff = Infinity;
    const cloud = new ModelCloud({ latencyMs: 5, serviceMs: () => 50, drop: (b) => b.at < cutoff });
    const { f, relay, head } = await relayWithBacklog(3000, cloud);
    cutoff = Date.now() + 500;
    relay.start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(ackedSeq(f.db)).toBe(head);
    for (let seq = 1; seq <= head; seq += 97) expect(cloud.timesSent(seq)).toBeLessThanOrEqual(2);
  });

  it('while batches are in flight, events appended one by one go out together after the next ack, not one publish each', async () => {
    const cloud = new ModelCloud({ latencyMs: 5, serviceMs: () => 1000 });
    const { f, relay } = await relayWithBacklog(300, cloud);
    relay.start();
    cloud.presenceAck();
    await vi.advanceTimersByTimeAsync(100);
    const backlogPublishes = cloud.sent.length;
    for (let i = 0; i < 20; i++) {
      appendOne(f, `live ${i}`);
      relay.wake();
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(cloud.sent.length).toBe(backlogPublishes); // held while the backlog is unacked
    await vi.advanceTimersByTimeAsync(5_000);
    const live = cloud.sent.slice(backlogPublishes);
    expect(live).toHaveLength(1);
    expect(live[0]!.lastSeq - live[0]!.firstSeq + 1).toBe(20);
  });

  it('sends a new event at once when nothing is in flight', async () => {
    const cloud = new ModelCloud({ latencyMs: 5, serviceMs: () => 10 });
    const { f, relay, head } = await relayWithBacklog(10, cloud);
    relay.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ackedSeq(f.db)).toBe(head);
    appendOne(f, 'live');
    relay.wake();
    await vi.advanceTimersByTimeAsync(1);
    expect(cloud.sent.at(-1)).toMatchObject({ firstSeq: head + 1, lastSeq: head + 1 });
  });

  it('never publishes more than publishesPerSecond in any one-second window', async () => {
    const cloud = new ModelCloud({ latencyMs: 5, serviceMs: () => 1 });
    const { relay } = await relayWithBacklog(600, cloud, {
      publishesPerSecond: 10,
      maxMessageBytes: 4096, // about three events a message: ~200 publishes
    });
    relay.start();
    cloud.presenceAck();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(cloud.sent.length).toBeGreaterThanOrEqual(95);
    expect(mostInOneSecond(cloud.sent.map((b) => b.at))).toBeLessThanOrEqual(10);
  });

  it('publishes one batch per turn of the event loop, so a door that must open gets in between', async () => {
    const cloud = new ModelCloud({ latencyMs: 5, serviceMs: () => 1 });
    const { relay } = await relayWithBacklog(3000, cloud);
    relay.start();
    expect(cloud.sent).toHaveLength(0); // not even the first inside start()
    const afterEachTurn: number[] = [];
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersToNextTimerAsync();
      afterEachTurn.push(cloud.sent.length);
    }
    expect(afterEachTurn).toEqual([1, 2, 3, 4, 5]);
  });
});
