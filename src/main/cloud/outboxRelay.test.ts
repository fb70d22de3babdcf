import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBatchSchema } from '../../shared/protocol/messages';
import { startFixture } from '../services/testSupport/kioskFixture';
import { OutboxRelay } from './outboxRelay';

afterEach(() => vi.useRealTimers());

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
});
