/**
 * MQTT commands and acks under fuzz, as the kiosk receives them: each input is published on the
 * locker's commands or acks topic of a real Mosquitto and handled by the real CloudLink (schema,
 * signature, lifetime, replay, then KioskCore) over a real SQLite file; the messages come from
 * mqttMessages.ts, and some are accepted. A fence message after each input says it was handled.
 * A refused input may add only the audit record of its refusal; nothing else in the store
 * changes and no latch fires.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Mosquitto } from '../../../../src/shared/node/testSupport/mosquitto';
import { lockerTopics } from '../../../../src/shared/protocol/topics';
import { until } from '../../../../src/main/cloud/testSupport/cloudPeer';
import {
  startLinkedKiosk,
  type LinkedKiosk,
} from '../../../../src/main/cloud/testSupport/linkFixture';
import { digestOf } from '../../../../src/main/services/testSupport/kioskFixture';
import { listEvents } from '../../../../src/main/store/events';
import {
  ackInput,
  commandInput,
  KNOWN,
  LOCKER,
  type Channel,
  type MqttInput,
} from './mqttMessages';
import type { FuzzSubject, ParserFuzz, Verdict } from './parserFuzz';
import { scratchDir } from './scratchDir';
import { changedTables, storeState, type StoreState } from './sqliteState';

// The audit records a refusal may leave: its answer to the cloud, or the forensic note of a
// message nobody signed, and a clock skew noticed on the way.
const REFUSAL_RECORDS = new Set(['command.result', 'command.rejected_unverified', 'clock.skew']);

interface LogLine {
  msg: string;
  reason?: string;
  detail?: string;
  type?: string;
}

// What the link logs when it decides a message's fate.
const VERDICT_LOGS = new Set([
  'cloud command refused',
  'cloud command accepted',
  'ack refused',
  'ack beyond the last sent seq ignored',
]);
const FAILURE_LOGS = new Set([
  'cloud command failed',
  'command handling failed',
  'message handling failed',
]);

async function openKiosk(): Promise<FuzzSubject<MqttInput>> {
  const broker = await Mosquitto.start();
  const dir = scratchDir('fuzz-mqtt-');
  let lines: LogLine[] = [];
  let awaited: { token: string; seen: () => void } | undefined;
  const isFence = (l: LogLine, token: string) =>
    l.msg === 'ack refused' && l.detail?.includes(`"${token}"`) === true;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      const line = JSON.parse(chunk.toString()) as LogLine;
      lines.push(line);
      if (awaited && isFence(line, awaited.token)) awaited.seen();
      done();
    },
  });
  let k: LinkedKiosk;
  try {
    k = await startLinkedKiosk(broker.url, LOCKER, {
      log: pino({ level: 'info' }, sink),
      file: join(dir, 'kiosk.sqlite'),
      autoAck: false,
    });
    await until(() => k.link.status().connection === 'online', 'online', 10_000);
  } catch (e) {
    await broker.stop();
    throw e;
  }
  const topics = lockerTopics('locker/v1', LOCKER);
  // Parcels and a return the schema-drawn commands may name.
  for (const parcelId of KNOWN.parcelId) {
    await k.peer.sendCommand(
      k.peer.command('parcel.expect', {
        parcelId,
        trackingBarcode: `TRK${parcelId}`,
        dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 },
        weightG: 900,
        codeDigest: digestOf(parcelId === 'fz-p1' ? '111222' : '333444'),
      }),
    );
  }
  let fences = 0;
  const fence = async (): Promise<LogLine[]> => {
    const token = `fence-${++fences}`;
    // The link handles one message at a time, in order: the fence's refusal comes after the input's.
    const fenced = new Promise<void>((resolve) => (awaited = { token, seen: resolve }));
    await k.peer.publishRaw(topics.acks, token);
    await fenced;
    awaited = undefined;
    const seen = lines;
    lines = [];
    return seen.filter((l) => !isFence(l, token));
  };
  await fence();
  const pulses = () => k.board.unlocked.length;
  const state = (): StoreState => storeState(k.db, { table: 'events', key: 'seq' });
  // Rows the kiosk's connection has written so far: a cheap witness that lets the full
  // snapshot run only when something besides the refusal's own audit record was written.
  const written = (): number =>
    (k.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  const lastSeq = (): number =>
    (k.db.prepare('SELECT coalesce(max(seq), 0) AS s FROM events').get() as { s: number }).s;
  /** After an accepted command its door may still be moving: wait until the store is still. */
  const settled = async (): Promise<StoreState> => {
    let last = written();
    for (let i = 0; i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (written() === last) break;
      last = written();
    }
    return state();
  };
  const tally: Record<string, number> = {};
  let baseline = state();
  let fullSnapshots = 0;
  return {
    async handle(input): Promise<Verdict> {
      const pulsesBefore = pulses();
      const writtenBefore = written();
      const seqBefore = lastSeq();
      await k.peer.publishRaw(
        input.channel === 'commands' ? topics.commands : topics.acks,
        Buffer.from(input.payload),
      );
      const seen = await fence();
      const verdicts = seen.filter((l) => VERDICT_LOGS.has(l.msg));
      const failed = seen.find((l) => FAILURE_LOGS.has(l.msg));
      const rejected = verdicts.some((l) => l.msg !== 'cloud command accepted');
      const key =
        `${input.kind} ${rejected ? `refused ${verdicts[0]?.reason ?? ''}` : 'taken'}`.trim();
      tally[key] = (tally[key] ?? 0) + 1;
      if (failed) return { rejected, violation: `${failed.msg}: ${JSON.stringify(failed)}` };
      if (input.channel === 'commands' && verdicts.length !== 1) {
        return { rejected, violation: `handled without one verdict: ${JSON.stringify(seen)}` };
      }
      if (!rejected) {
        baseline = await settled();
        return { rejected };
      }
      const appended = listEvents(k.db, seqBefore + 1);
      const records = appended.filter((e) => {
        const { payload } = JSON.parse(e.body) as { payload: { ok?: boolean } };
        return (
          !REFUSAL_RECORDS.has(e.type) || (e.type === 'command.result' && payload.ok !== false)
        );
      });
      // Each audit record is one row; more rows written means another table changed.
      let changed: string[] = [];
      if (written() - writtenBefore !== appended.length) {
        fullSnapshots += 1;
        const after = state();
        changed = changedTables(baseline, after, ['events']);
        baseline = after;
        if (changed.length === 0) changed = [`${written() - writtenBefore} rows written`];
      }
      if (changed.length > 0 || records.length > 0 || pulses() !== pulsesBefore) {
        return {
          rejected,
          violation: `a refused ${input.channel} message changed ${[...changed, ...records.map((e) => `event ${e.type}`)].join(', ') || 'nothing'}; pulses ${pulsesBefore} → ${pulses()}`,
        };
      }
      return { rejected };
    },
    figures: () => ({ pulses: pulses(), events: lastSeq(), fullSnapshots, byKind: tally }),
    async close() {
      await k.close();
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function mqttFuzz(channel: Channel, smallRuns: number): ParserFuzz<MqttInput> {
  return {
    name: `mqtt ${channel}`,
    smallRuns,
    boundMs: 5_000,
    // Each accepted command adds rows the next state read hashes: a fresh kiosk keeps it short.
    freshEvery: 20_000,
    input: channel === 'commands' ? commandInput : ackInput,
    show: (input) => `${input.kind} ${Buffer.from(input.payload).toString('utf8')}`,
    open: () => openKiosk(),
  };
}
