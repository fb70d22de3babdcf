import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackedSeq, chainHead, checkpoint, listEvents } from '../store/events';
import { appendBacklog } from './testSupport/kioskActions';
import { until } from './testSupport/cloudPeer';
import { startLinkedKiosk } from './testSupport/linkFixture';
import { Mosquitto } from './testSupport/mosquitto';

const DAY_MS = 86_400_000;
const headSeq = (db: Parameters<typeof chainHead>[0]) => chainHead(db)?.seq ?? 0;

let broker: Mosquitto;
beforeAll(async () => {
  broker = await Mosquitto.start();
});
afterAll(async () => {
  await broker.stop();
});

describe('a signed ack below the stored one (the cloud lost events)', () => {
  it('sets the ack back and resends from there', async () => {
    const k = await startLinkedKiosk(broker.url, 'rewind', { autoAck: false });
    try {
      appendBacklog(k, 30);
      const head = headSeq(k.db);
      await until(() => k.peer.events.length === head, 'all events received');
      await k.peer.ack(head);
      await until(() => ackedSeq(k.db) === head, 'everything acked');
      const sent = k.peer.batches.length;

      await k.peer.ack(10);
      await until(() => k.peer.batches.length > sent, 'the unit sends again');
      expect(ackedSeq(k.db)).toBe(10);
      expect(k.peer.batches[sent]!.firstSeq).toBe(11);
      await until(() => k.peer.batches.at(-1)!.lastSeq === head, 'resent up to the head');
      await k.peer.ack(head);
      await until(() => ackedSeq(k.db) === head, 'acked again');
      expect(listEvents(k.db).some((e) => e.type === 'cloud.rewind_unservable')).toBe(false);
    } finally {
      await k.close();
    }
  });

  it('raises cloud.rewind_unservable (once per rewind) when the events are pruned, and sends what it holds', async () => {
    const k = await startLinkedKiosk(broker.url, 'rewind-pruned');
    try {
      appendBacklog(k, 20);
      await until(() => ackedSeq(k.db) === headSeq(k.db), 'everything acked');
      k.clock.advance((k.config.policy.eventRetentionDays + 1) * DAY_MS);
      await k.core.tick();
      const kept = checkpoint(k.db)!;
      expect(kept.seq).toBe(ackedSeq(k.db));
      k.peer.autoAck = false;
      const sent = k.peer.batches.length;

      await k.peer.ack(5);
      await until(() => k.peer.batches.length > sent, 'the unit sends what it holds');
      const alarms = () => listEvents(k.db).filter((e) => e.type === 'cloud.rewind_unservable');
      expect(alarms().map((e) => (JSON.parse(e.body) as { payload: unknown }).payload)).toEqual([
        {
          askedFromSeq: 6,
          oldestHeldSeq: kept.seq + 1,
          checkpointSeq: kept.seq,
          checkpointHash: kept.hash,
        },
      ]);
      expect(k.peer.batches[sent]!.firstSeq).toBe(kept.seq + 1);
      expect(ackedSeq(k.db)).toBe(5);

      await k.peer.ack(5); // the same rewind again: nothing new to say
      await k.peer.ack(4);
      await until(() => ackedSeq(k.db) === 4, 'the second rewind applied');
      expect(alarms()).toHaveLength(2);
    } finally {
      await k.close();
    }
  });
});
