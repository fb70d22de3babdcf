/**
 * Outbox flush: an offline backlog of real operations (parcels announced, deposited and picked
 * up, doors opening and closing) drained from a kiosk process through a real Mosquitto into the
 * real cloud-mock (see bench/benchSupport/flushRun.ts). Goal (issue 12): ≥ 5,000 events/s acked
 * at ≤ 100 publishes/s, and with --restart a kiosk killed mid-way and started again loses and
 * doubles nothing. Prints progress, then as its LAST line one JSON object:
 *   { backlogEvents, eventsPerSecondAcked, flushSeconds, publishes, publishesPerSecond,
 *     maxPublishesInOneSecond, eventsPerPublish, eventsSent, eventsSentTwice, firstAckMs,
 *     cloudCpuCores, restart: { killedAtAck, lost, doubled } | null, stored: {…},
 *     ceiling: { eventsPerSecond, … }, ofCeiling, … }
 *
 *   npm run bench -- flush [--events 20000] [--restart] [--rate 100] [--no-ceiling]
 *                          [--kiosk-cpu-prof <dir>] [--trace]
 */
import { parseArgs } from 'node:util';
import { runFlush } from './benchSupport/flushRun';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '5000' },
    restart: { type: 'boolean', default: false },
    rate: { type: 'string', default: '100' },
    'no-ceiling': { type: 'boolean', default: false },
    'kiosk-cpu-prof': { type: 'string' },
    trace: { type: 'boolean', default: false },
  },
});

const figures = await runFlush({
  events: Number(values.events),
  restart: values.restart,
  publishesPerSecond: Number(values.rate),
  ceiling: !values['no-ceiling'],
  trace: values.trace,
  ...(values['kiosk-cpu-prof'] ? { kioskCpuProfDir: values['kiosk-cpu-prof'] } : {}),
  say: (line) => console.log(line),
});
console.log(
  `flush: ${figures.backlogEvents} events in ${figures.flushSeconds.toFixed(2)} s = ` +
    `${figures.eventsPerSecondAcked.toFixed(0)} events/s acked; ${figures.publishes} publishes ` +
    `(${figures.publishesPerSecond.toFixed(1)}/s, at most ${figures.maxPublishesInOneSecond} in ` +
    `one second), ${figures.eventsSentTwice} events sent twice, first ack after ` +
    `${figures.firstAckMs?.toFixed(0)} ms`,
);
console.log(JSON.stringify(figures));
