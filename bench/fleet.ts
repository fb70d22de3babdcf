/**
 * One cloud node with a real fleet in its store: 10,000 lockers × 30 compartments with `--full`
 * (1,000 by default), seeded straight through the store's own functions, half the compartments
 * holding a parcel and a tenth of them allocated. Measured:
 *  - the scheduler's pass (in process, on the seeded store): the first, catching up on every
 *    reminder and warning due, and a pass with nothing due, beside the peer it replaced (reading
 *    every open parcel, which the old scheduler did on every pass);
 *  - the cloud in its own process (embedded broker, SQLite with fsync): search near a point p99,
 *    `GET /lockers/{id}` p99, the dashboard's reads, beside the cheapest authenticated read as
 *    the floor, from closed-loop clients;
 *  - MQTT ingest: single-event batches from enrolled units timed from publish to the cloud's
 *    signed ack, alone, then while the reads run (reading must not stall ingest).
 * Prints, as its LAST line, one JSON object with those figures.
 *
 *   npm run bench -- fleet [--full | --lockers 1000] [--compartments 30] [--clients 16]
 *     [--units 4] [--events 100] [--passes 5]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startCloud } from '../cloud-mock/cloud';
import { openDatabase } from '../cloud-mock/store/database';
import { loginOf } from '../cloud-mock/testSupport/cloudFixture';
import { DeviceChain, DeviceLink } from '../cloud-mock/testSupport/device';
import { seedFleet } from '../cloud-mock/testSupport/fleet';
import { publicKeyFromRaw } from '../src/shared/node/ed25519';
import { startCloudProcess } from './benchSupport/cloudProcess';
import { CloudRest, provisionLockers } from './benchSupport/cloudRest';
import {
  fsyncFloor,
  probeIngest,
  startReads,
  withOwnLag,
  type ReadMix,
} from './benchSupport/fleetLoad';
import { summarize } from './benchSupport/stats';

const { values: flags } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    lockers: { type: 'string' },
    compartments: { type: 'string', default: '30' },
    clients: { type: 'string', default: '16' },
    units: { type: 'string', default: '4' },
    events: { type: 'string', default: '100' },
    passes: { type: 'string', default: '5' },
    'read-rate': { type: 'string', default: '200' },
  },
});
const LOCKERS = Number(flags.lockers ?? (flags.full ? 10_000 : 1_000));
const COMPARTMENTS = Number(flags.compartments);
const CLIENTS = Number(flags.clients);
const UNITS = Number(flags.units);
const EVENTS = Number(flags.events);
const PASSES = Number(flags.passes);
const READ_RATE = Number(flags['read-rate']);
const CENTER = { lat: 51.5, lng: 10.5 };
// About Germany: 10,000 lockers over ~700 × 700 km, as a national network.
const SPREAD = 6;
const ms = (t: number) => Math.round((performance.now() - t) * 100) / 100;

const dataDir = mkdtempSync(join(tmpdir(), 'bench-fleet-'));
const file = join(dataDir, 'cloud.sqlite');

// 1. The fleet, through the store.
let t = performance.now();
const db = openDatabase(file);
const fleet = seedFleet(db, {
  lockers: LOCKERS,
  compartments: COMPARTMENTS,
  center: CENTER,
  spreadDeg: SPREAD,
  deposited: 0.5,
  expected: 0.1,
  now: Date.now(),
  seed: 13,
});
db.exec('ANALYZE');
const seedSeconds = ms(t) / 1000;
// The peer: what the old scheduler read on every pass, whatever was due.
const peerMs: number[] = [];
for (let i = 0; i < PASSES; i++) {
  t = performance.now();
  db.prepare(`SELECT * FROM parcels WHERE state IN ('deposited', 'expected')`).all();
  peerMs.push(ms(t));
}
db.close();
console.log(
  `seeded ${LOCKERS} lockers × ${COMPARTMENTS}, ${fleet.parcels} parcels in ${seedSeconds} s`,
);

// 2. The scheduler on that store, in process (its own work, no load beside it).
const inProcess = await startCloud({
  dataDir,
  scheduler: false,
  log: pino({ level: process.env['FLEET_LOG'] ?? 'warn' }),
});
t = performance.now();
const first = await inProcess.tick();
const firstPassMs = ms(t);
const idleMs: number[] = [];
for (let i = 0; i < PASSES; i++) {
  t = performance.now();
  await inProcess.tick();
  idleMs.push(ms(t));
}
await inProcess.close();
const scheduler = {
  firstPass: { ms: firstPassMs, ...first },
  idlePass: summarize(idleMs),
  peerReadAllOpenParcels: summarize(peerMs),
};
console.log(`scheduler: ${JSON.stringify(scheduler)}`);

// 3. The cloud in its own process on the same store; units to ingest from.
const cloud = await startCloudProcess({ dataDir, logLevel: 'warn' });
const rest = new CloudRest(cloud.httpUrl, CLIENTS);
try {
  const operator = cloud.key('operator');
  const enrolled = await provisionLockers(rest, operator, UNITS, 10);
  const units = await Promise.all(
    enrolled.map(async (l) => ({
      chain: new DeviceChain(l.lockerId, l.key),
      link: await DeviceLink.connect(cloud.mqttUrl, loginOf(l.lockerId, l.enrollment), {
        cloudPublicKey: publicKeyFromRaw(l.enrollment.cloudPublicKey),
      }),
    })),
  );
  const mix = (weights: ReadMix['weights']): ReadMix => ({
    ids: fleet.ids,
    center: CENTER,
    spreadDeg: SPREAD,
    key: operator,
    weights,
  });

  // Warm-up (JIT, sockets, page cache): not measured.
  await probeIngest(units, 10);
  await startReads(rest, CLIENTS, mix({ search: 2, detail: 1, ceiling: 1 }), 1, 400).done;

  const [ingestAlone, lagAlone] = await withOwnLag(() => probeIngest(units, EVENTS));
  const diskFloor = summarize(await fsyncFloor(dataDir, EVENTS));
  const floor = startReads(rest, CLIENTS, mix({ ceiling: 1 }), 2, 40 * CLIENTS);
  await floor.done;

  // Reads at a steady rate (a busy dashboard and customers searching), then as many as the
  // cloud can answer, each for as long as the ingest probe runs.
  const readMix = mix({ search: 5, detail: 3, dashboard: 1, alerts: 1 });
  const paced = startReads(rest, CLIENTS, readMix, 4, Infinity, READ_RATE);
  const [[ingestUnderPacedReads, diskUnderReads], lagPaced] = await withOwnLag(() =>
    Promise.all([probeIngest(units, EVENTS), fsyncFloor(dataDir, EVENTS)]),
  );
  await paced.stop();
  const reads = startReads(rest, CLIENTS, readMix, 3);
  const [ingestUnderReads, lagSaturated] = await withOwnLag(() => probeIngest(units, EVENTS));
  await reads.stop();
  await Promise.all(units.map((u) => u.link.close()));

  const alone = { ...summarize(ingestAlone.ms), puback: summarize(ingestAlone.pubackMs) };
  const underReads = {
    ...summarize(ingestUnderReads.ms),
    puback: summarize(ingestUnderReads.pubackMs),
  };
  const underPacedReads = {
    ...summarize(ingestUnderPacedReads.ms),
    puback: summarize(ingestUnderPacedReads.pubackMs),
  };
  const perSec = (n: number) => Math.round(n / reads.seconds);
  const figures = {
    lockers: LOCKERS,
    compartmentsPerLocker: COMPARTMENTS,
    parcels: fleet.parcels,
    seedSeconds,
    clients: CLIENTS,
    search: summarize(reads.ms.search),
    getLocker: summarize(reads.ms.detail),
    dashboardList: summarize(reads.ms.dashboard),
    lockerAlerts: summarize(reads.ms.alerts),
    floorRead: summarize(floor.ms.ceiling),
    readsPerSec: perSec(
      reads.ms.search.length +
        reads.ms.detail.length +
        reads.ms.dashboard.length +
        reads.ms.alerts.length,
    ),
    readsFailed: reads.failed + floor.failed,
    scheduler,
    ingest: {
      units: UNITS,
      alone,
      diskFloor,
      diskFloorUnderPacedReads: summarize(diskUnderReads),
      benchOwnLoopDelay: { alone: lagAlone, paced: lagPaced, saturated: lagSaturated },
      underPacedReads: {
        reads: summarize(Object.values(paced.ms).flat()),
        readsPerSec: Math.round(
          Object.values(paced.ms).reduce((n, l) => n + l.length, 0) / paced.seconds,
        ),
        ...underPacedReads,
      },
      underReads: {
        readsPerSec: perSec(
          reads.ms.search.length +
            reads.ms.detail.length +
            reads.ms.dashboard.length +
            reads.ms.alerts.length,
        ),
        ...underReads,
      },
      p99RatioPaced: Math.round((underPacedReads.p99 / alone.p99) * 100) / 100,
      p99RatioSaturated: Math.round((underReads.p99 / alone.p99) * 100) / 100,
    },
  };
  console.log(JSON.stringify(figures));
} finally {
  rest.close();
  await cloud.stop();
}
