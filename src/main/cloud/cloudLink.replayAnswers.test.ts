/**
 * A command the cloud resends (after a reconnect, or on its timer) while the unit's first answer
 * is still in the outbox gets no second answer: the cloud will receive the first one (found by
 * the broker drill: 7,567 extra `replayed` events in one 20,006-event flush). Once the cloud has
 * acked the answer and the command still comes, it gets one `replayed` answer per ack, no more.
 */
import { afterAll, beforeAll, beforeEach, afterEach, expect, it } from 'vitest';
import { digestOf } from '../services/testSupport/kioskFixture';
import { ackedSeq, chainHead, listEvents } from '../store/events';
import { getParcel } from '../store/parcels';
import { until } from './testSupport/cloudPeer';
import { startLinkedKiosk, type LinkedKiosk } from './testSupport/linkFixture';
import { Mosquitto } from './testSupport/mosquitto';

let broker: Mosquitto;
beforeAll(async () => {
  broker = await Mosquitto.start();
});
afterAll(async () => {
  await broker.stop();
});

let k: LinkedKiosk;
let n = 0;
beforeEach(async () => {
  // The cloud holds its acks: every answer stays unacked until the test says so.
  k = await startLinkedKiosk(broker.url, `replay-answers-${++n}`, { autoAck: false });
  await until(() => k.link.status().connection === 'online', 'online');
});
afterEach(async () => {
  await k.close();
});

const expectation = (parcelId: string) => ({
  parcelId,
  trackingBarcode: `TRK${parcelId}`,
  dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 },
  weightG: 900,
  codeDigest: digestOf('135790'),
});

/** The unit's own answers to one command, in chain order: `ok` or the error. */
const answersAtUnit = (id: unknown) =>
  listEvents(k.db)
    .filter((e) => e.type === 'command.result')
    .map((e) => (JSON.parse(e.body) as { payload: Record<string, unknown> }).payload)
    .filter((p) => p['commandId'] === id)
    .map((p) => p['error'] ?? 'ok');

/** Delivers `command` `times` times, then waits until the unit has handled every delivery. */
async function deliver(command: Record<string, unknown>, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await k.peer.sendCommand(command);
  // Commands are handled in arrival order: once this one is answered, so were those before.
  const marker = k.peer.command('state.request', {});
  await k.peer.sendCommand(marker);
  await until(() => answersAtUnit(marker['id']).length > 0, 'the marker command answered');
  await k.link.commandsIdle();
}

/** The cloud acks everything the unit has, as it would once the answers reach it. */
async function ackEverything(): Promise<void> {
  const head = chainHead(k.db)!.seq;
  k.peer.autoAck = true;
  await k.peer.ack(k.peer.ackedUpTo);
  await until(() => ackedSeq(k.db) === head, 'everything acked');
  k.peer.autoAck = false;
}

it('answers a command resent while its answer is unacked once, not once per resend', async () => {
  const expect1 = k.peer.command('parcel.expect', expectation('resent'));
  await deliver(expect1, 5);
  expect(answersAtUnit(expect1['id'])).toEqual(['ok']);
  expect(listEvents(k.db).filter((e) => e.type === 'parcel.expected')).toHaveLength(1);
  expect(getParcel(k.db, 'resent')?.state).toBe('expected');
});

it('answers a command resent after its answer was acked once more per ack: `replayed`, never applied again', async () => {
  const expect1 = k.peer.command('parcel.expect', expectation('acked'));
  await deliver(expect1, 1);
  await ackEverything();
  // The cloud has the answer and still resends (it lost it, or someone replays the message).
  await deliver(expect1, 3);
  expect(answersAtUnit(expect1['id'])).toEqual(['ok', 'replayed']);
  await ackEverything();
  await deliver(expect1, 2);
  expect(answersAtUnit(expect1['id'])).toEqual(['ok', 'replayed', 'replayed']);
  expect(listEvents(k.db).filter((e) => e.type === 'parcel.expected')).toHaveLength(1);

  // The cloud end receives exactly the unit's answers, each once.
  await ackEverything();
  expect(
    k.peer
      .results()
      .get(String(expect1['id']))
      ?.map((r) => r['error'] ?? 'ok'),
  ).toEqual(['ok', 'replayed', 'replayed']);
  expect(k.peer.failures).toEqual([]);
});
