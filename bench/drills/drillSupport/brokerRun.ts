/**
 * One run of the broker drill: a kiosk process drains an offline backlog through a real
 * Mosquitto into the real cloud-mock while the cloud keeps sending it commands, and the broker
 * is restarted again and again, by kill -9 and by a clean stop in turn (it keeps nothing: every
 * session and every message in flight is lost with it). A witness on the broker sees what passes;
 * the kiosk says when its link comes back. The cloud's file says what was stored.
 */
import Database from 'better-sqlite3';
import { FlushKioskProcess } from '../../benchSupport/flushKioskProcess';
import { FlushWitness, wallNow } from '../../benchSupport/flushWitness';
import { startCloudTraffic } from './cloudTraffic';
import { delivered } from './delivered';
import { commandDeliveries, type CommandDeliveries } from './resentAfterAck';
import { startDrillStand, type DeliveryOutcome } from './drillStand';

export interface BrokerOptions {
  events: number;
  restarts: number;
  /** The kiosk's publish limit: low enough that the flush spans the restarts. */
  publishesPerSecond: number;
  /** The kiosk's reconnect backoff cap (ms). */
  backoffCapMs: number;
  say?: (line: string) => void;
}

export interface Restart {
  how: 'kill -9' | 'clean stop';
  upMs: number;
  downMs: number;
  /** From the broker accepting connections again to the kiosk's link online. */
  backOnlineMs: number | null;
  /** From the broker back to the first events publish the witness saw (null: none was due). */
  firstPublishMs: number | null;
}

export interface BrokerFigures extends DeliveryOutcome {
  backlogEvents: number;
  restarts: Restart[];
  /** Restarts that came while the backlog was still being flushed. */
  restartsMidFlush: number;
  longestBackOnlineMs: number;
  longestFirstPublishMs: number;
  backoffCapMs: number;
  kioskHead: number;
  commandsSent: number;
  /** Command deliveries the witness saw, and those after the answer had been acked. */
  commandDeliveries: CommandDeliveries;
  eventsSentTwice: number;
  seconds: number;
}

const LOCKER = 'drill-broker';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rand = (n: number) => Math.floor(Math.random() * n);

export async function runBroker(o: BrokerOptions): Promise<BrokerFigures> {
  const say = o.say ?? (() => {});
  const started = performance.now();
  const stand = await startDrillStand(LOCKER);
  const { broker, cloud } = stand;
  const witness = await FlushWitness.connect(broker.url, LOCKER, 50);
  const env = stand.kioskEnv({ publishesPerSecond: o.publishesPerSecond });
  const tuning = { backoff: { initialMs: 200, maxMs: o.backoffCapMs, factor: 2 } };
  const kiosk = FlushKioskProcess.spawn(env, {
    backlogEvents: o.events,
    env: { LINK_TUNING: JSON.stringify(tuning) },
  });
  const online: number[] = [];
  kiosk.onLine((line) => {
    const [word, state, at] = line.split(' ');
    if (word === 'LINK' && state === 'online') online.push(Number(at));
  });
  let traffic: ReturnType<typeof startCloudTraffic> | null = null;
  try {
    const backlogEvents = Number(await kiosk.said('BACKLOG', 300_000));
    say(`backlog: ${backlogEvents} events; flushing while the broker restarts ${o.restarts} times`);
    kiosk.connect();
    await kiosk.said('ONLINE', 60_000);
    traffic = startCloudTraffic(cloud, LOCKER, 400);

    const restarts: Restart[] = [];
    let restartsMidFlush = 0;
    for (let i = 0; i < o.restarts; i++) {
      // The first restart early, so even the small size restarts the broker mid-flush.
      const upMs = i === 0 ? 300 + rand(500) : 800 + rand(1700);
      await sleep(upMs);
      if (witness.ackedUpTo < backlogEvents) restartsMidFlush += 1;
      const how = i % 2 === 0 ? 'kill -9' : 'clean stop';
      if (how === 'kill -9') await broker.kill();
      else await broker.stop();
      const downMs = 200 + rand(1300);
      await sleep(downMs);
      await broker.resume();
      const backAt = wallNow();
      // The link's backoff cap, the connect and the first publish: past that, it stalled.
      const patience = o.backoffCapMs + 10_000;
      const onlineAt = await firstAfter(() => online, backAt, patience);
      const due = witness.ackedUpTo < kioskHeadNow(env.DB_FILE);
      const publishedAt = due
        ? await firstAfter(() => witness.batches.map((b) => b.at), backAt, patience)
        : null;
      const restart: Restart = {
        how,
        upMs,
        downMs,
        backOnlineMs: onlineAt === null ? null : onlineAt - backAt,
        firstPublishMs: publishedAt === null ? null : publishedAt - backAt,
      };
      restarts.push(restart);
      say(
        `restart ${i + 1} (${how}, down ${downMs} ms): online after ${restart.backOnlineMs?.toFixed(0)} ms, ` +
          `publishing after ${restart.firstPublishMs?.toFixed(0) ?? '-'} ms; acked ${witness.ackedUpTo}`,
      );
    }
    await traffic.stop();
    const kioskHead = await delivered(env.DB_FILE, cloud.dataDir, LOCKER, 300_000);
    const longest = (xs: (number | null)[]) =>
      xs.reduce<number>((max, x) => (x === null ? Infinity : Math.max(max, x)), 0);
    return {
      backlogEvents,
      restarts,
      restartsMidFlush,
      longestBackOnlineMs: longest(restarts.map((r) => r.backOnlineMs)),
      longestFirstPublishMs: longest(
        restarts.filter((r) => r.firstPublishMs !== null).map((r) => r.firstPublishMs),
      ),
      backoffCapMs: o.backoffCapMs,
      kioskHead,
      ...stand.outcome(kioskHead),
      commandsSent: traffic.sent,
      commandDeliveries: commandDeliveries(env.DB_FILE, witness),
      eventsSentTwice: witness.figures(0, 0).eventsSentTwice,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await traffic?.stop();
    await kiosk.kill();
    await witness.close();
    await stand.close();
  }
}

function kioskHeadNow(dbFile: string): number {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT coalesce(max(seq), 0) AS s FROM events').get() as { s: number }).s;
  } finally {
    db.close();
  }
}

/** The first time in `times()` after `since`, waiting up to `patienceMs` for one (else null). */
async function firstAfter(
  times: () => number[],
  since: number,
  patienceMs: number,
): Promise<number | null> {
  const deadline = since + patienceMs;
  for (;;) {
    const found = times().find((t) => t > since);
    if (found !== undefined) return found;
    if (wallNow() > deadline) return null;
    await sleep(20);
  }
}
