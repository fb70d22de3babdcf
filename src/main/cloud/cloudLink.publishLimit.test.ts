/**
 * Every publish the unit makes counts against its one publish limit, as the broker counts them:
 * the retained presence and the signed state snapshot too, not only event batches. On a
 * reconnect in the middle of a flush, presence `online` takes the first free slot (it is what
 * operators see) rather than an extra one. The broker's `offline` will is the broker's publish,
 * not the unit's. Witnessed by the real `mosquitto_sub` on the broker.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTcpRelay, type TcpRelay } from '../../../cloud-mock/testSupport/tcpRelay';
import { ackedSeq, chainHead } from '../store/events';
import { appendBacklog } from './testSupport/kioskActions';
import { until } from './testSupport/cloudPeer';
import { startLinkedKiosk } from './testSupport/linkFixture';
import { Mosquitto } from './testSupport/mosquitto';
import { mostWithin } from './testSupport/publishTimes';
import { PublishWitness } from './testSupport/publishWitness';

let broker: Mosquitto;
let relay: TcpRelay;
beforeAll(async () => {
  broker = await Mosquitto.start();
  relay = await startTcpRelay(new URL(broker.url));
});
afterAll(async () => {
  await relay.close();
  await broker.close();
});

const RATE = 3;
/**
 * Half a second: room for what a busy machine may add between a publish and the witness seeing
 * it, and still far longer than a reconnect takes here (backoff 50-100 ms), so a presence and a
 * snapshot sent on top of a full second's batches land in it.
 */
const WINDOW_MS = 500;
const CUTS = 2;

it('counts presence and the state snapshot against the publish limit on every reconnect mid-flush', async () => {
  const lockerId = 'publish-limit';
  const witness = await PublishWitness.start(broker.url, lockerId);
  const k = await startLinkedKiosk(broker.url, lockerId, {
    linkUrl: relay.url,
    publishesPerSecond: RATE,
    tuning: { maxMessageBytes: 2048, backoff: { initialMs: 100, maxMs: 100, factor: 1 } },
  });
  try {
    await until(() => k.link.status().connection === 'online', 'online');
    appendBacklog(k, 40, 100); // a few events a message: ~12 publishes, ~4 s at 3/s
    const batches = () => witness.unitPublishes().filter((w) => w.topic === 'events');
    for (let cut = 1; cut <= CUTS; cut++) {
      // Right after a full second's worth of batches has gone out...
      const seen = batches().length;
      await until(() => batches().length >= seen + RATE, `a second of batches (${cut})`);
      const sessions = k.link.counters.sessions;
      // ...the connection drops on the next thing the unit sends (the PUBACK of this message),
      // and the unit is back within the same second.
      relay.cutMidPacket();
      await k.peer.publishRaw(k.peer.topics.acks, 'not an ack');
      await until(() => k.link.counters.sessions > sessions, `back online (${cut})`);
    }
    const head = chainHead(k.db)!.seq;
    await until(() => ackedSeq(k.db) === head, 'the backlog delivered', 60_000);

    const unit = witness.unitPublishes();
    const wills = witness.seen.filter((w) => w.will).length;
    expect(wills).toBeGreaterThanOrEqual(CUTS);
    expect(
      mostWithin(
        unit.map((w) => w.at),
        WINDOW_MS,
      ),
    ).toBeLessThanOrEqual(RATE);
    // After each will, the unit's first word on its new connection is its presence.
    const afterWills = witness.seen
      .map((w, i) => (w.will ? witness.seen.slice(i + 1).find((x) => !x.will) : undefined))
      .filter((w) => w !== undefined);
    for (const first of afterWills) {
      expect(first.topic).toBe('presence');
      expect(JSON.parse(first.payload)).toMatchObject({ status: 'online' });
    }
    expect(k.peer.failures).toEqual([]);
  } finally {
    await k.close();
    await witness.close();
  }
}, 90_000);
