/**
 * Cut-link drill (issue 14): a kiosk process flushes to the real cloud through a TCP relay in
 * front of a real Mosquitto that goes half-open, delays, cuts mid-packet and replays an old
 * connection's bytes after the kiosk reconnected (see drillSupport/cutLinkRun.ts). Holds when
 * every dead link is noticed by the keep-alive (within twice its period plus a second), the cloud
 * stores every event exactly once and in order, no command is applied twice, and reconnects are
 * never closer than the backoff's floor (no storm). Prints progress, then as its LAST line one
 * JSON object with the figures; exits 1 when any of that did not hold.
 *
 *   npm run drill -- cut-link [--rounds 10] [--events 5000] [--keepalive-sec 2]
 */
import { parseArgs } from 'node:util';
import { runCutLink } from './drillSupport/cutLinkRun';
import { deliveredExactlyOnce, finish } from './drillSupport/verdict';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '1' },
    events: { type: 'string', default: '600' },
    rate: { type: 'string', default: '2' },
    'keepalive-sec': { type: 'string', default: '1' },
  },
});
const keepaliveSec = Number(values['keepalive-sec']);
const backoff = { initialMs: 500, maxMs: 4000 };

const f = await runCutLink({
  events: Number(values.events),
  rounds: Number(values.rounds),
  publishesPerSecond: Number(values.rate),
  keepaliveSec,
  backoff,
  say: (line) => console.log(line),
});
/** mqtt.js calls a link dead 1.5 keep-alives after the last answer, checked every half one. */
const detectLimitMs = 2 * keepaliveSec * 1000 + 1000;
/** Equal jitter: no retry comes sooner than half the first step. */
const connectFloorMs = backoff.initialMs / 2;
const held =
  deliveredExactlyOnce(f) &&
  f.cloud.presence === 'online' &&
  f.detectMs.every((ms) => ms <= detectLimitMs) &&
  (f.closestConnectsMs === null || f.closestConnectsMs >= connectFloorMs) &&
  f.connects === f.faults + 1 &&
  !f.suspectedDuplicateClient;
finish(
  'cut-link',
  held,
  `${f.rounds} rounds, ${f.faults} faults, ${f.connects} connects (at most ` +
    `${f.maxConnectsPerMinute} in a minute, closest ${f.closestConnectsMs?.toFixed(0)} ms apart); ` +
    `dead link noticed after ${Math.max(...f.detectMs).toFixed(0)} ms at worst (limit ` +
    `${detectLimitMs} ms); ${f.kioskHead} events: ${f.lost} lost, ${f.duplicated} stored twice`,
  { ...f, detectLimitMs, connectFloorMs },
);
