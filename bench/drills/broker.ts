/**
 * Broker drill (issue 14): Mosquitto restarted again and again (kill -9 and clean stop in turn)
 * while a kiosk process flushes an offline backlog and the cloud keeps sending it commands (see
 * drillSupport/brokerRun.ts). Holds when the cloud stores every seq exactly once and in order, no
 * command is applied twice, no command is answered `replayed` more often than it came again after
 * its answer was acked (a resend while the answer is on its way gets none), and after every
 * restart the kiosk is back online within its backoff cap (plus a handshake allowance) and
 * publishing events within that plus the two slots of its publish limit that presence and the
 * state snapshot take first. Prints progress, then as its LAST line one
 * JSON object with the figures; exits 1 when any of that did not hold.
 *
 *   npm run drill -- broker [--events 20000] [--restarts 20] [--rate 2] [--backoff-cap-ms 4000]
 */
import { parseArgs } from 'node:util';
import { runBroker } from './drillSupport/brokerRun';
import { deliveredExactlyOnce, finish } from './drillSupport/verdict';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '600' },
    restarts: { type: 'string', default: '3' },
    rate: { type: 'string', default: '1' },
    'backoff-cap-ms': { type: 'string', default: '4000' },
  },
});
/** Connecting and subscribing once the backoff has run out, on a loaded machine. */
const HANDSHAKE_MS = 1500;

const f = await runBroker({
  events: Number(values.events),
  restarts: Number(values.restarts),
  publishesPerSecond: Number(values.rate),
  backoffCapMs: Number(values['backoff-cap-ms']),
  say: (line) => console.log(line),
});
const stallLimitMs = f.backoffCapMs + HANDSHAKE_MS;
// Presence and the snapshot count against the same limit and go first on a connect.
const firstPublishLimitMs = stallLimitMs + 2 * (1000 / Number(values.rate));
const replayAnswers = f.commands.replaysRefused;
const held =
  deliveredExactlyOnce(f) &&
  f.cloud.presence === 'online' &&
  f.restartsMidFlush > 0 &&
  f.longestBackOnlineMs <= stallLimitMs &&
  f.longestFirstPublishMs <= firstPublishLimitMs &&
  replayAnswers <= f.commandDeliveries.resentAfterAck;
finish(
  'broker',
  held,
  `${f.restarts.length} restarts (${f.restartsMidFlush} mid-flush), ${f.kioskHead} events: ` +
    `${f.lost} lost, ${f.duplicated} stored twice, ${f.cloud.outOfOrder} out of order; ` +
    `${f.commands.applied} commands applied, ${f.commands.appliedTwice} twice; ` +
    `${replayAnswers} replay answers for ${f.commandDeliveries.delivered} command deliveries, ` +
    `${f.commandDeliveries.resentAfterAck} of them after an ack; longest back online ` +
    `${f.longestBackOnlineMs.toFixed(0)} ms (limit ${stallLimitMs} ms), to publishing ` +
    `${f.longestFirstPublishMs.toFixed(0)} ms (limit ${firstPublishLimitMs} ms)`,
  { ...f, replayAnswers, stallLimitMs, firstPublishLimitMs },
);
