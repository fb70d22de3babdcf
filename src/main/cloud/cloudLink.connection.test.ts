import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PresenceSchema, StateSnapshotSchema } from '../../shared/protocol/messages';
import { ackedSeq, chainHead } from '../store/events';
import { deposit, depositAndPickUp } from './testSupport/kioskActions';
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

/** A fresh subscriber's view of the retained messages on a topic. */
async function retained(url: string, topic: string): Promise<unknown> {
  const client = await mqtt.connectAsync(url, { clientId: `probe-${randomUUID()}`, clean: true });
  try {
    const message = new Promise<unknown>((resolve) =>
      client.on('message', (_t, payload, packet) => {
        if (packet.retain) resolve(JSON.parse(payload.toString()));
      }),
    );
    await client.subscribeAsync(topic, { qos: 1 });
    return await message;
  } finally {
    await client.endAsync(true);
  }
}

describe('cloud link connection', () => {
  it('keeps the locker working while the broker is down and delivers everything once, in order, when it is back', async () => {
    const k = await startLinkedKiosk(broker.url, 'broker-down', {
      tuning: { resendAfterMs: 1000 },
    });
    try {
      await depositAndPickUp(k, 'p1', '111111');
      await until(() => ackedSeq(k.db) === headSeq(k.db), 'first events acked');
      await broker.stop();
      await until(() => k.link.status().connection !== 'online', 'link offline');
      await depositAndPickUp(k, 'p2', '222222');
      await depositAndPickUp(k, 'p3', '333333');
      expect(k.link.status().backlog).toBeGreaterThan(0);
      expect(k.link.status().lastError?.code).toMatch(/connection_lost|connect_failed/);
      await broker.resume();
      await until(() => ackedSeq(k.db) === headSeq(k.db), 'backlog acked after restart', 20_000);
      const head = headSeq(k.db);
      expect(k.peer.events.map((e) => e.seq)).toEqual(
        Array.from({ length: head }, (_, i) => i + 1),
      );
      expect(k.peer.events.filter((e) => e.type === 'parcel.picked_up')).toHaveLength(3);
      expect(k.peer.failures).toEqual([]);
      expect(k.link.status()).toMatchObject({ connection: 'online', backlog: 0 });
    } finally {
      await k.close();
    }
  });

  it('retains presence "online" and the compartment snapshot, and the broker publishes the "offline" will when the socket dies', async () => {
    const k = await startLinkedKiosk(broker.url, 'presence-lwt');
    try {
      await until(() => k.link.status().connection === 'online', 'online');
      await until(() => k.peer.snapshots.length > 0, 'snapshot');
      expect(
        PresenceSchema.parse(await retained(broker.url, k.peer.topics.presence)),
      ).toMatchObject({
        status: 'online',
        softwareVersion: '0.1.0-test',
      });
      const snapshot = StateSnapshotSchema.parse(await retained(broker.url, k.peer.topics.state));
      expect(snapshot.compartments.map((c) => c.id)).toEqual(
        k.config.compartments.map((c) => c.id).sort(),
      );

      // A deposit changes the retained snapshot (debounced).
      const before = k.peer.snapshots.length;
      const compartmentId = await deposit(k, 'p1', '111111');
      await until(() => k.peer.snapshots.length > before, 'snapshot after a change');
      expect(
        k.peer.snapshots.at(-1)!.compartments.find((c) => c.id === compartmentId),
      ).toMatchObject({
        state: 'occupied',
        parcelId: 'p1',
      });

      // Kill the TCP connection without a DISCONNECT: the broker sends the last will.
      const seen = k.peer.presence.length;
      const { session } = k.link as unknown as { session: { client: MqttClient } };
      session.client.stream.destroy();
      await until(() => k.peer.presence.slice(seen).some((p) => p.status === 'offline'), 'will');
      // ...and the link comes back and says so.
      await until(
        () => k.peer.presence.slice(seen).at(-1)?.status === 'online',
        'online again after reconnect',
      );
    } finally {
      await k.close();
    }
    expect(
      PresenceSchema.parse(await retained(broker.url, 'locker/v1/presence-lwt/presence')),
    ).toMatchObject({
      status: 'offline',
    });
  });

  it('backs off hard and reports duplicate_client_id when another client keeps taking its session', async () => {
    const lockerId = 'dup-client';
    const impostor = mqtt.connect(broker.url, {
      clientId: lockerId,
      clean: false,
      reconnectPeriod: 50,
    });
    impostor.on('error', () => {});
    let impostorConnects = 0;
    impostor.on('connect', () => impostorConnects++);
    await until(() => impostor.connected, 'impostor connected');
    const k = await startLinkedKiosk(broker.url, lockerId, {
      tuning: { shortSessionMs: 3000, duplicateAfter: 3, duplicateBackoffMs: 3000 },
    });
    try {
      await until(
        () => k.link.status().lastError?.code === 'duplicate_client_id',
        'duplicate reported',
      );
      const attempts = k.link.counters.attempts;
      expect(k.link.counters.sessions).toBeLessThanOrEqual(3);
      expect(k.link.status().connection).toBe('offline');
      expect(k.link.status().nextAttemptAt).not.toBeNull();
      // While it waits, the impostor holds the id in peace: no storm from our side.
      const impostorBefore = impostorConnects;
      await until(() => impostor.connected, 'impostor holds the session');
      expect(k.link.counters.attempts).toBe(attempts);
      impostor.end(true);
      await until(
        () => k.link.status().connection === 'online',
        'link online once the impostor left',
      );
      expect(k.link.counters.attempts).toBe(attempts + 1);
      expect(impostorConnects).toBeGreaterThanOrEqual(impostorBefore);
    } finally {
      impostor.end(true);
      await k.close();
    }
  });
});
