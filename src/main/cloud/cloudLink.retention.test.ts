import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackedSeq, chainHead, checkpoint, countEvents } from '../store/events';
import { depositAndPickUp } from './testSupport/kioskActions';
import { until } from './testSupport/cloudPeer';
import { startLinkedKiosk } from './testSupport/linkFixture';
import { Mosquitto } from './testSupport/mosquitto';

const DAY_MS = 86_400_000;

let broker: Mosquitto;
beforeAll(async () => {
  broker = await Mosquitto.start();
});
afterAll(async () => {
  await broker.stop();
});

describe('pruning delivered events', () => {
  it('keeps an old event the cloud acked less than the retention period ago, and prunes it once that long has passed', async () => {
    const k = await startLinkedKiosk(broker.url, 'retention', { autoAck: false });
    try {
      const retentionMs = k.config.policy.eventRetentionDays * DAY_MS;
      await depositAndPickUp(k, 'p1', '111111');
      const head = chainHead(k.db)!.seq;
      await until(() => k.peer.events.length === head, 'all events received');
      // The events are long past retention when the cloud finally confirms them.
      k.clock.advance(retentionMs + 10 * DAY_MS);
      await k.peer.ack(head);
      await until(() => ackedSeq(k.db) === head, 'ack applied');
      await k.core.tick();
      expect(countEvents(k.db)).toBe(head);

      // A day short of the retention period after the ack: still kept.
      k.clock.advance(retentionMs - DAY_MS);
      await k.core.tick();
      expect(countEvents(k.db)).toBe(head);

      k.clock.advance(DAY_MS);
      await k.core.tick();
      expect(countEvents(k.db)).toBe(0);
      expect(checkpoint(k.db)?.seq).toBe(head);
    } finally {
      await k.close();
    }
  });
});
