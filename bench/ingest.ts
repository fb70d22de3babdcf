/**
 * Cloud ingest of signed events at fleet speed: 10 enrolled lockers each publish a chain of
 * 5,000 signed events through the broker into the real cloud (its own process, embedded broker,
 * SQLite with fsync), packed as the kiosk packs its outbox; measured from the first publish to
 * the last locker's signed ack of its head (acked = verified and stored), with the cloud's CPU
 * time over that span. Two chains, each on a fresh cloud: trivial (a door opened and shut) and
 * real operations (deposits and pickups with their doors). The ceiling measured alongside:
 * Ed25519 verifies per second on one core with node:crypto. The store must then hold every
 * chain whole: every seq once, none flagged, no broken link. Prints, as its LAST line:
 *   { trivial: {…}, operations: {…}, verifyPerCore, lockers, eventsPerLocker }
 *
 *   npm run bench -- ingest [--lockers 10] [--events 5000] [--kind both|trivial|operations]
 *     [--profile DIR]
 */
import { parseArgs } from 'node:util';
import { publicKeyFromRaw } from '../src/shared/node/ed25519';
import { loginOf } from '../cloud-mock/testSupport/cloudFixture';
import { DeviceChain, DeviceLink } from '../cloud-mock/testSupport/device';
import { buildChain, packBatches, verifyRate, type ChainKind } from './benchSupport/cloudEvents';
import { round } from './benchSupport/cloudLoad';
import { startCloudProcess } from './benchSupport/cloudProcess';
import { CloudRest, provisionLockers } from './benchSupport/cloudRest';
import { storedChains } from './benchSupport/cloudStore';

const { values: flags } = parseArgs({
  options: {
    lockers: { type: 'string', default: '10' },
    events: { type: 'string', default: '5000' },
    kind: { type: 'string', default: 'both' },
    profile: { type: 'string' },
  },
});
const LOCKERS = Number(flags.lockers);
const EVENTS = Number(flags.events);
const KINDS: ChainKind[] =
  flags.kind === 'both' ? ['trivial', 'operations'] : [flags.kind as ChainKind];
const ACK_TIMEOUT_MS = 600_000;

interface PhaseFigures {
  events: number;
  batches: number;
  seconds: number;
  perSec: number;
  cloudCpuSeconds: number;
  /** Cloud CPU seconds per wall second: how many cores it kept busy. */
  cloudCores: number;
  /** CPU of the cloud's main thread per event, and the rate that allows with a core of its own. */
  mainThreadUsPerEvent: number;
  mainThreadBoundPerSec: number;
  verifyPerCore: number;
}

async function ingestPhase(kind: ChainKind): Promise<PhaseFigures> {
  const cloud = await startCloudProcess(
    flags.profile ? { cpuProfDir: `${flags.profile}/${kind}` } : {},
  );
  const rest = new CloudRest(cloud.httpUrl, 4);
  try {
    const lockers = await provisionLockers(rest, cloud.key('operator'), LOCKERS, 200);
    const chains = lockers.map((l) => {
      const events = buildChain(kind, new DeviceChain(l.lockerId, l.key), l.layout, EVENTS);
      return { locker: l, events, batches: packBatches(events) };
    });
    const units = await Promise.all(
      lockers.map((l) =>
        DeviceLink.connect(cloud.mqttUrl, loginOf(l.lockerId, l.enrollment), {
          cloudPublicKey: publicKeyFromRaw(l.enrollment.cloudPublicKey),
        }),
      ),
    );
    // The ceiling, on this machine now: one core verifying the same kind of events.
    const verifyPerCore = verifyRate(chains[0]!.events, lockers[0]!.publicKey);

    const cpuBefore = cloud.cpuSeconds();
    const mainBefore = cloud.mainThreadCpuSeconds();
    const started = performance.now();
    const timeout = setTimeout(() => {
      throw new Error(`not every chain was acked within ${ACK_TIMEOUT_MS} ms`);
    }, ACK_TIMEOUT_MS);
    await Promise.all(
      units.map(async (unit, i) => {
        const { batches, events } = chains[i]!;
        const head = events.at(-1)!.seq;
        const acked = unit.acks.until((seq) => seq >= head);
        await Promise.all(batches.map((b) => unit.publishRaw(unit.topics.events, b)));
        await acked;
      }),
    );
    clearTimeout(timeout);
    const seconds = (performance.now() - started) / 1000;
    const cpu = cloud.cpuSeconds() - cpuBefore;
    const main = cloud.mainThreadCpuSeconds() - mainBefore;
    await Promise.all(units.map((u) => u.close()));

    const stored = storedChains(cloud.dataDir);
    const whole = stored.every(
      (c) => c.events === EVENTS && c.chainSeq === EVENTS && !c.flagged && c.breaks === 0,
    );
    if (!whole || stored.length !== LOCKERS)
      throw new Error(`the store does not hold every chain whole: ${JSON.stringify(stored)}`);
    const total = LOCKERS * EVENTS;
    return {
      events: total,
      batches: chains.reduce((sum, c) => sum + c.batches.length, 0),
      seconds: round(seconds, 2),
      perSec: round(total / seconds),
      cloudCpuSeconds: round(cpu, 2),
      cloudCores: round(cpu / seconds, 2),
      mainThreadUsPerEvent: round((main * 1e6) / total, 1),
      mainThreadBoundPerSec: round(total / main),
      verifyPerCore: round(verifyPerCore),
    };
  } finally {
    rest.close();
    await cloud.stop();
  }
}

const figures: Partial<Record<ChainKind, PhaseFigures>> = {};
for (const kind of KINDS) {
  figures[kind] = await ingestPhase(kind);
  console.log(`${kind}: ${JSON.stringify(figures[kind])}`);
}
console.log(
  JSON.stringify({
    ...figures,
    verifyPerCore: round(Math.min(...Object.values(figures).map((f) => f.verifyPerCore))),
    lockers: LOCKERS,
    eventsPerLocker: EVENTS,
  }),
);
