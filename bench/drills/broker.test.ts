/**
 * The broker drill at its small size (`npm run drill -- broker`): Mosquitto killed and stopped in
 * turn during a flush leaves the cloud with every seq once and in order, applies no command twice,
 * answers no resend `replayed` before its first answer was acked, and the kiosk is back and
 * publishing within its backoff cap after every restart.
 */
import { expect, it } from 'vitest';
import { runBench } from '../benchSupport/runBench';

it('holds across broker restarts in the middle of a flush', async () => {
  const f = await runBench('broker', [], { drill: true });
  expect(f['held'], String(f['output'])).toBe(true);
  expect(f).toMatchObject({
    exitCode: 0,
    lost: 0,
    duplicated: 0,
    cloud: { gaps: 0, outOfOrder: 0, brokenLinks: 0, notifiedTwice: 0 },
    commands: { appliedTwice: 0, announcedTwice: 0 },
  });
  expect(f['restartsMidFlush']).toBeGreaterThan(0);
  expect(f['longestBackOnlineMs']).toBeLessThanOrEqual(f['stallLimitMs'] as number);
  expect(f['longestFirstPublishMs']).toBeLessThanOrEqual(f['firstPublishLimitMs'] as number);
  // A resend while the answer is on its way gets no second answer.
  const deliveries = f['commandDeliveries'] as { resentAfterAck: number };
  expect(f['replayAnswers']).toBeLessThanOrEqual(deliveries.resentAfterAck);
}, 90_000);
