/**
 * The flush benchmark's witness process: an MQTT client of its own on the broker, subscribed to
 * one locker's events, acks and commands, printing one line per message with the time it
 * arrived (epoch ms, sub-millisecond): `B <at> <firstSeq> <lastSeq> <count>` for a batch,
 * `A <at> <upToSeq>` for an ack, `C <at> <id>` for a command (each delivery, resends too). A process of its own, so a busy cloud or kiosk does not delay what it sees. Told
 * `KILL <pid> <seq>` on stdin, it SIGKILLs that process as soon as a batch carrying `seq` passes
 * (a power cut mid-send, timed from the wire) and prints `K <at> <pid>`. Configured by
 * environment: BROKER_URL, LOCKER_ID, RECONNECT_MS (how soon it tries again after losing the
 * broker; default 1000). Prints READY once subscribed.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import mqtt from 'mqtt';
import { lockerTopics } from '../../src/shared/protocol/topics';

const url = process.env['BROKER_URL']!;
const topics = lockerTopics('locker/v1', process.env['LOCKER_ID']!);
const now = () => performance.timeOrigin + performance.now();
let kill: { pid: number; seq: number } | null = null;

createInterface({ input: process.stdin }).on('line', (line) => {
  const [word, pid, seq] = line.split(' ');
  if (word === 'KILL') kill = { pid: Number(pid), seq: Number(seq) };
});

const client = await mqtt.connectAsync(url, {
  clientId: `flush-witness-${randomUUID()}`,
  clean: true,
  reconnectPeriod: Number(process.env['RECONNECT_MS'] ?? 1000),
});
client.on('message', (topic, payload) => {
  const at = now().toFixed(3);
  if (topic === topics.events) {
    const { events } = JSON.parse(payload.toString('utf8')) as { events: { seq: number }[] };
    if (events.length === 0) return;
    const lastSeq = events.at(-1)!.seq;
    if (kill && lastSeq >= kill.seq) {
      process.kill(kill.pid, 'SIGKILL');
      process.stdout.write(`K ${now().toFixed(3)} ${kill.pid}\n`);
      kill = null;
    }
    process.stdout.write(`B ${at} ${events[0]!.seq} ${lastSeq} ${events.length}\n`);
  } else if (topic === topics.acks) {
    const { upToSeq } = JSON.parse(payload.toString('utf8')) as { upToSeq: number };
    process.stdout.write(`A ${at} ${upToSeq}\n`);
  } else if (topic === topics.commands) {
    const { id } = JSON.parse(payload.toString('utf8')) as { id: string };
    process.stdout.write(`C ${at} ${id}\n`);
  }
});
await client.subscribeAsync({
  [topics.events]: { qos: 1 },
  [topics.acks]: { qos: 1 },
  [topics.commands]: { qos: 1 },
});
process.stdout.write('READY\n');
process.once('SIGTERM', () => {
  void client.endAsync(true).then(() => process.exit(0));
});
