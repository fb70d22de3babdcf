/**
 * A burst of cloud commands (a flush's parcel.code answers) is handled one per turn of the
 * event loop, each with its own transaction, so whatever else the kiosk has to do (a door to
 * open) gets in between instead of waiting for the whole burst.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('cloud commands in a burst', () => {
  it('handles them one per turn of the event loop', async () => {
    const k = await startLinkedKiosk(broker.url, 'turns');
    try {
      await until(() => k.link.status().connection === 'online', 'online');
      let answered = 0;
      k.core.audit.onAppend(() => (answered += 1));
      const perTurn: number[] = [];
      let seen = 0;
      let watching = true;
      const turn = () => {
        perTurn.push(answered - seen);
        seen = answered;
        if (watching) setImmediate(turn);
      };
      setImmediate(turn);
      const commands = Array.from({ length: 40 }, (_, i) =>
        k.peer.command('parcel.cancel', { parcelId: `never-announced-${i}` }),
      );
      await Promise.all(commands.map((c) => k.peer.sendCommand(c)));
      await until(() => commands.every((c) => k.peer.results().has(String(c.id))), 'all answered');
      watching = false;
      expect(answered).toBe(40);
      expect(Math.max(...perTurn)).toBeLessThanOrEqual(1);
    } finally {
      await k.close();
    }
  });
});
