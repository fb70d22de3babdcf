import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES } from '../../shared/protocol/topics';
import { ackedSeq, chainHead, listEvents } from '../store/events';
import { appendBacklog, depositAndPickUp } from './testSupport/kioskActions';
import { until } from './testSupport/cloudPeer';
import { startLinkedKiosk } from './testSupport/linkFixture';
import { Mosquitto } from './testSupport/mosquitto';

let broker: Mosquitto;
beforeAll(async () => {
  broker = await Mosquitto.start();
});
afterAll(async () => {
  await broker.stop();
});

const headSeq = (db: Parameters<typeof chainHead>[0]) => chainHead(db)?.seq ?? 0;

describe('outbox relay over a real broker', () => {
  it('delivers every event once, in seq order, and records the cloud ack', async () => {
    const k = await startLinkedKiosk(broker.url, 'deliver-once');
    try {
      await depositAndPickUp(k, 'p1', '111111');
      await depositAndPickUp(k, 'p2', '222222');
      await until(
        () => ackedSeq(k.db) === headSeq(k.db) && k.peer.events.length === headSeq(k.db),
        'all events acked',
      );
      expect(k.peer.events.map((e) => e.seq)).toEqual(listEvents(k.db).map((e) => e.seq));
      expect(k.peer.events.map((e) => e.type)).toContain('parcel.picked_up');
      expect(k.peer.failures).toEqual([]);
      expect(k.peer.malformed).toEqual([]);
      expect(k.link.status()).toMatchObject({ connection: 'online', backlog: 0 });
    } finally {
      await k.close();
    }
  });

  it('takes only signed cumulative acks up to the last sent seq: replayed, duplicate, unsigned, malformed and too-high acks change nothing', async () => {
    const k = await startLinkedKiosk(broker.url, 'ack-rules', { autoAck: false });
    try {
      appendBacklog(k, 20);
      const head = headSeq(k.db);
      await until(() => k.peer.events.length === head, 'all events received');
      const early = k.peer.signedAck(3); // signed before ack 5, sent after it: a replay
      await k.peer.ack(5);
      await until(() => ackedSeq(k.db) === 5, 'ack 5 applied');
      // QoS 1 from one publisher keeps its order: once ack 7 is applied, the ones before it were seen.
      await k.peer.ack(head + 1000); // beyond the last sent seq
      await k.peer.sendAck(early);
      await k.peer.ack(5); // duplicate
      await k.peer.publishRaw(k.peer.topics.acks, JSON.stringify({ v: 1, upToSeq: head }));
      await k.peer.publishRaw(k.peer.topics.acks, '{"v":1,"upToSeq":-4}');
      await k.peer.publishRaw(k.peer.topics.acks, 'not json');
      await k.peer.ack(7);
      await until(() => ackedSeq(k.db) !== 5, 'ack 7 applied');
      expect(ackedSeq(k.db)).toBe(7);
      expect(k.link.status().backlog).toBe(head - 7);
      await k.peer.ack(head);
      await until(() => ackedSeq(k.db) === head, 'final ack');
      expect(k.link.status().backlog).toBe(0);
    } finally {
      await k.close();
    }
  });

  it('flushes a backlog of thousands of events in batches under 128 KB', async () => {
    const k = await startLinkedKiosk(broker.url, 'big-backlog');
    try {
      appendBacklog(k, 3000, 300);
      const head = headSeq(k.db);
      await until(() => ackedSeq(k.db) === head, 'backlog acked', 30_000);
      expect(k.peer.events.map((e) => e.seq)).toEqual(
        Array.from({ length: head }, (_, i) => i + 1),
      );
      expect(k.peer.batches.length).toBeGreaterThan(5);
      expect(Math.max(...k.peer.batches.map((b) => b.bytes))).toBeLessThanOrEqual(
        MAX_MESSAGE_BYTES,
      );
      // Batches are full, not one event each: all but the last come close to the limit.
      const sizes = k.peer.batches.slice(0, -1).map((b) => b.bytes);
      expect(Math.min(...sizes)).toBeGreaterThan(MAX_MESSAGE_BYTES - 1000);
      expect(k.peer.failures).toEqual([]);
    } finally {
      await k.close();
    }
  });

  it('publishes no faster than publishesPerSecond (counted in one-second windows at the cloud)', async () => {
    const rate = 20;
    const k = await startLinkedKiosk(broker.url, 'rate-limit', {
      publishesPerSecond: rate,
      tuning: { maxMessageBytes: 2048 },
    });
    try {
      appendBacklog(k, 240, 200); // about 4 events per 2 KB message: ~60 publishes
      const head = headSeq(k.db);
      await until(() => ackedSeq(k.db) === head, 'backlog acked', 20_000);
      const perWindow = new Map<number, number>();
      for (const b of k.peer.batches) {
        const w = Math.floor(b.at / 1000);
        perWindow.set(w, (perWindow.get(w) ?? 0) + 1);
      }
      expect(k.peer.batches.length).toBeGreaterThanOrEqual(50);
      // A burst of a tenth of the rate is allowed, plus a little for network jitter.
      for (const count of perWindow.values()) expect(count).toBeLessThanOrEqual(rate + 4);
    } finally {
      await k.close();
    }
  });

  it('keeps at most 100 publishes unacked by the cloud, and sends more as acks arrive', async () => {
    const k = await startLinkedKiosk(broker.url, 'in-flight', {
      autoAck: false,
      tuning: { maxMessageBytes: 1024 },
    });
    try {
      appendBacklog(k, 400, 300); // one or two events per message: far more than 100 publishes
      await until(() => k.peer.batches.length === 100, '100 batches');
      const first = k.peer.batches[0]!;
      await k.peer.ack(first.lastSeq);
      await until(() => k.peer.batches.length === 101, 'one more batch after the ack');
      expect(k.link.publishedBatches).toBe(101);
      const head = headSeq(k.db);
      k.peer.autoAck = true;
      await k.peer.ack(k.peer.ackedUpTo);
      await until(() => ackedSeq(k.db) === head, 'everything acked', 20_000);
      expect(k.peer.events).toHaveLength(head);
    } finally {
      await k.close();
    }
  });
});
