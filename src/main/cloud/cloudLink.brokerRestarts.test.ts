/**
 * A broker that restarts again and again (found by the broker drill, bench/drills/broker.ts):
 * each restart ends the kiosk's session a few seconds after it began, as another client taking
 * the locker's id would. But connecting failed in between (the broker was not there), or the
 * broker that took the kiosk back had forgotten its persistent session: the broker went away,
 * no other client holds the id. The link must come back within its backoff cap every time, not
 * wait out the duplicate back-off.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ackedSeq, chainHead } from '../store/events';
import { depositAndPickUp } from './testSupport/kioskActions';
import { until } from './testSupport/cloudPeer';
import { startLinkedKiosk } from './testSupport/linkFixture';
import { Mosquitto } from './testSupport/mosquitto';

let broker: Mosquitto;
beforeAll(async () => {
  broker = await Mosquitto.start();
});
afterAll(async () => {
  await broker.close();
});

it('comes back after every one of several quick broker restarts, never suspecting a duplicate client id', async () => {
  const k = await startLinkedKiosk(broker.url, 'flapping-broker', {
    tuning: { shortSessionMs: 10_000, duplicateAfter: 3, duplicateBackoffMs: 60_000 },
  });
  try {
    await until(() => k.link.status().connection === 'online', 'first online');
    for (let restart = 1; restart <= 4; restart++) {
      if (restart % 2 === 1) await broker.kill();
      else await broker.stop();
      await until(
        () => k.link.status().connection !== 'online',
        `offline after restart ${restart}`,
      );
      await new Promise((r) => setTimeout(r, 400)); // longer than the first retries
      await broker.resume();
      // The cap is 1 s here: a link waiting out the duplicate back-off (30-60 s) misses this.
      await until(
        () => k.link.status().connection === 'online',
        `online again after restart ${restart}`,
        5_000,
      );
      expect(k.link.status().lastError?.code).not.toBe('duplicate_client_id');
    }
    await depositAndPickUp(k, 'p1', '111111');
    await until(() => ackedSeq(k.db) === (chainHead(k.db)?.seq ?? 0), 'delivered after it all');
  } finally {
    await k.close();
  }
}, 60_000);

it('comes back after quick broker restarts that its retries never saw (back before the first retry)', async () => {
  const k = await startLinkedKiosk(broker.url, 'quick-broker', {
    // The first retry comes 0.5-1 s after a close: the broker is back long before.
    tuning: {
      backoff: { initialMs: 1000, maxMs: 2000, factor: 2 },
      shortSessionMs: 10_000,
      duplicateAfter: 3,
      duplicateBackoffMs: 60_000,
    },
  });
  try {
    await until(() => k.link.status().connection === 'online', 'first online');
    for (let restart = 1; restart <= 4; restart++) {
      const attempts = k.link.counters.attempts;
      if (restart % 2 === 1) await broker.kill();
      else await broker.stop();
      await broker.resume();
      await until(
        () => k.link.status().connection === 'online' && k.link.counters.attempts > attempts,
        `online again after restart ${restart}`,
        6_000,
      );
      // No failed connect in between: the retry found the broker already back.
      expect(k.link.counters.attempts).toBe(attempts + 1);
      expect(k.link.status().lastError?.code).not.toBe('duplicate_client_id');
    }
  } finally {
    await k.close();
  }
}, 60_000);
