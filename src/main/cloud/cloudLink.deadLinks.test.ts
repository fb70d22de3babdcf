/**
 * Links that go half-open (found by the cut-link drill, bench/drills/cutLink.ts): a relay between
 * the kiosk and a real Mosquitto swallows every byte of the open connection without closing it.
 * The kiosk's keep-alive must notice and reconnect; and a session it ended itself because its
 * pings went unanswered is no sign of another client holding its id, however short it was.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTcpRelay, type TcpRelay } from '../../../cloud-mock/testSupport/tcpRelay';
import { ackedSeq, chainHead } from '../store/events';
import { depositAndPickUp } from './testSupport/kioskActions';
import { until } from './testSupport/cloudPeer';
import { startLinkedKiosk } from './testSupport/linkFixture';
import { Mosquitto } from './testSupport/mosquitto';

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

it('notices each half-open link by its keep-alive and reconnects every time, never suspecting a duplicate client id', async () => {
  const k = await startLinkedKiosk(broker.url, 'half-open', {
    linkUrl: relay.url,
    tuning: {
      keepaliveSec: 1,
      shortSessionMs: 10_000,
      duplicateAfter: 3,
      duplicateBackoffMs: 60_000,
    },
  });
  try {
    await until(() => k.link.status().connection === 'online', 'first online');
    for (let hole = 1; hole <= 4; hole++) {
      const before = k.link.counters.sessions;
      relay.blackHole();
      // 1.5 keep-alives and the check's period; then the first retry (cap 1 s).
      await until(() => k.link.counters.sessions > before, `reconnected after hole ${hole}`, 6_000);
      await until(() => k.link.status().connection === 'online', `online after hole ${hole}`);
      expect(k.link.status().lastError?.code).not.toBe('duplicate_client_id');
    }
    await depositAndPickUp(k, 'p1', '111111');
    await until(() => ackedSeq(k.db) === (chainHead(k.db)?.seq ?? 0), 'delivered after it all');
  } finally {
    await k.close();
  }
}, 60_000);
