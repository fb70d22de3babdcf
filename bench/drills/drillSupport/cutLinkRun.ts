/**
 * One run of the cut-link drill: a kiosk process flushes an offline backlog to the real cloud
 * through a TCP relay in front of a real Mosquitto, while the cloud keeps sending commands, and
 * the relay misbehaves in rounds: the open connection goes half-open (black-holed, nothing
 * closes), every chunk is delayed, a connection is cut in the middle of a packet, and the bytes of
 * an old connection are replayed after the kiosk has reconnected. The kiosk says when its link
 * went down; the relay counts connects; the cloud's file says what was stored.
 */
import { startTcpRelay } from '../../../cloud-mock/testSupport/tcpRelay';
import { FlushKioskProcess } from '../../benchSupport/flushKioskProcess';
import { wallNow } from '../../benchSupport/flushWitness';
import { startCloudTraffic } from './cloudTraffic';
import { delivered } from './delivered';
import { startDrillStand, type DeliveryOutcome } from './drillStand';

export interface CutLinkOptions {
  events: number;
  rounds: number;
  publishesPerSecond: number;
  keepaliveSec: number;
  backoff: { initialMs: number; maxMs: number };
  say?: (line: string) => void;
}

export interface CutLinkFigures extends DeliveryOutcome {
  backlogEvents: number;
  rounds: number;
  /** From the link going half-open to the kiosk calling it dead, each round (ms). */
  detectMs: number[];
  faults: number;
  connects: number;
  /** The closest two connects came (ms): never under the backoff's floor (half its first step). */
  closestConnectsMs: number | null;
  /** The most connects in any 60 s. */
  maxConnectsPerMinute: number;
  kioskHead: number;
  commandsSent: number;
  suspectedDuplicateClient: boolean;
  seconds: number;
}

const LOCKER = 'drill-cut-link';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rand = (n: number) => Math.floor(Math.random() * n);

export async function runCutLink(o: CutLinkOptions): Promise<CutLinkFigures> {
  const say = o.say ?? (() => {});
  const started = performance.now();
  const stand = await startDrillStand(LOCKER);
  const { cloud } = stand;
  const relay = await startTcpRelay(new URL(stand.broker.url));
  const env = stand.kioskEnv({ publishesPerSecond: o.publishesPerSecond, brokerUrl: relay.url });
  const tuning = {
    keepaliveSec: o.keepaliveSec,
    backoff: { ...o.backoff, factor: 2 },
    connectTimeoutMs: o.keepaliveSec * 2000,
  };
  const kiosk = FlushKioskProcess.spawn(env, {
    backlogEvents: o.events,
    env: { LINK_TUNING: JSON.stringify(tuning) },
  });
  const links: { state: string; at: number; error: string }[] = [];
  kiosk.onLine((line) => {
    const [word, state, at, error] = line.split(' ');
    if (word === 'LINK') links.push({ state: state!, at: Number(at), error: error ?? '-' });
  });
  const online = () => links.at(-1)?.state === 'online';
  /** Waits for the kiosk to be online on a connection newer than the `before`-th. */
  const reconnected = async (before: number, what: string) => {
    const deadline = Date.now() + o.backoff.maxMs + 20_000;
    while (relay.connects.length <= before || !online()) {
      const why = links.at(-1)?.error ?? '-';
      if (Date.now() > deadline)
        throw new Error(`the kiosk did not come back online ${what} (last error: ${why})`);
      await sleep(20);
    }
  };
  let traffic: ReturnType<typeof startCloudTraffic> | null = null;
  try {
    const backlogEvents = Number(await kiosk.said('BACKLOG', 300_000));
    say(`backlog: ${backlogEvents} events; ${o.rounds} rounds of faults on the link`);
    kiosk.connect();
    await kiosk.said('ONLINE', 60_000);
    traffic = startCloudTraffic(cloud, LOCKER, 400);
    const detectMs: number[] = [];
    let faults = 0;
    for (let round = 1; round <= o.rounds; round++) {
      // Half-open: the connection in use goes dead; the kiosk must notice by its keep-alive.
      await sleep(500 + rand(1500));
      const deadConnection = relay.connects.length - 1;
      const holedAt = wallNow();
      relay.blackHole();
      faults += 1;
      const patience = holedAt + o.keepaliveSec * 4000 + 5000;
      while (!links.some((l) => l.at > holedAt && l.state !== 'online')) {
        if (wallNow() > patience) throw new Error(`round ${round}: the dead link went unnoticed`);
        await sleep(10);
      }
      detectMs.push(links.find((l) => l.at > holedAt && l.state !== 'online')!.at - holedAt);
      await reconnected(deadConnection + 1, `after the half-open link of round ${round}`);

      // Slow: every chunk waits; nothing is lost, only late. Up to a fifth of the keep-alive each
      // way: a round trip the keep-alive bears (mqtt.js pings after one period, gives up after
      // one and a half), so a slow link is not mistaken for a dead one.
      relay.delay(o.keepaliveSec * 100 + rand(o.keepaliveSec * 100));
      await sleep(1000 + rand(1000));
      relay.delay(0);

      // Cut in the middle of a packet: the broker gets half a packet, the kiosk a closed socket.
      const beforeCut = relay.connects.length;
      relay.cutMidPacket();
      faults += 1;
      await reconnected(beforeCut, `after the cut of round ${round}`);

      // Reordered across reconnects: the dead connection's bytes (its CONNECT, the batches it
      // sent into the hole) reach the broker now, after everything the kiosk sent since.
      await sleep(rand(1000));
      const beforeReplay = relay.connects.length;
      await relay.replay(deadConnection, 500);
      faults += 1;
      await reconnected(beforeReplay, `after the stale replay of round ${round}`);
      say(
        `round ${round}: dead link noticed after ${detectMs.at(-1)!.toFixed(0)} ms; ` +
          `${relay.connects.length} connects so far`,
      );
    }
    await traffic.stop();
    const kioskHead = await delivered(env.DB_FILE, cloud.dataDir, LOCKER, 300_000);
    const connects = [...relay.connects];
    const gaps = connects.slice(1).map((t, i) => t - connects[i]!);
    return {
      backlogEvents,
      rounds: o.rounds,
      detectMs,
      faults,
      connects: connects.length,
      closestConnectsMs: gaps.length === 0 ? null : Math.min(...gaps),
      maxConnectsPerMinute: Math.max(
        0,
        ...connects.map((t) => connects.filter((u) => u >= t && u < t + 60_000).length),
      ),
      kioskHead,
      ...stand.outcome(kioskHead),
      commandsSent: traffic.sent,
      suspectedDuplicateClient: links.some((l) => l.error === 'duplicate_client_id'),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await traffic?.stop();
    await kiosk.kill();
    await relay.close();
    await stand.close();
  }
}
