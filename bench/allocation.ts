/**
 * Cloud allocations at fleet speed: `POST /api/v1/allocations` from 32 concurrent clients over
 * real sockets into the real cloud (its own process, embedded broker, SQLite with fsync) with 10
 * enrolled lockers, whose units receive the parcel.expect commands. Two phases: capacity to spare
 * (rounds of allocations up to half the capacity, each round cancelled before the next) and
 * mostly full (the lockers filled to a few free compartments, then far more requests than fit).
 * The ceiling measured alongside: a trivial authenticated route (one locker's open alerts) on
 * the same server with the same clients. At the end the store must hold no locker and size with
 * more allocations live than it has compartments. Prints, as its LAST line, one JSON object:
 *   { spare: {…}, full: {…}, ceiling: { perSec, p50Ms, p99Ms }, overPromised, commands… }
 *
 *   npm run bench -- allocation [--lockers 10] [--compartments 200] [--clients 32]
 *     [--rounds 3] [--full-requests 4000] [--ceiling-requests 4000] [--profile DIR]
 */
import { parseArgs } from 'node:util';
import { publicKeyFromRaw } from '../src/shared/node/ed25519';
import { loginOf } from '../cloud-mock/testSupport/cloudFixture';
import { DeviceLink } from '../cloud-mock/testSupport/device';
import { AnsweringUnit } from './benchSupport/answeringUnit';
import { AllocationRequests, createdIds, phaseFigures } from './benchSupport/cloudAllocationLoad';
import { round, runLoad, type LoadResult } from './benchSupport/cloudLoad';
import { startCloudProcess } from './benchSupport/cloudProcess';
import { CloudRest, provisionLockers } from './benchSupport/cloudRest';
import { countPromises } from './benchSupport/cloudStore';

const { values: flags } = parseArgs({
  options: {
    lockers: { type: 'string', default: '10' },
    compartments: { type: 'string', default: '200' },
    clients: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '3' },
    'full-requests': { type: 'string', default: '4000' },
    'ceiling-requests': { type: 'string', default: '4000' },
    profile: { type: 'string' },
  },
});
const LOCKERS = Number(flags.lockers);
const COMPARTMENTS = Math.min(200, Number(flags.compartments));
const CLIENTS = Number(flags.clients);
const ROUNDS = Number(flags.rounds);
const FULL_REQUESTS = Number(flags['full-requests']);
const CEILING_REQUESTS = Number(flags['ceiling-requests']);
// In the mostly-full phase, this share of the requests still finds a compartment.
const FULL_FREE_SHARE = 0.03;

const cloud = await startCloudProcess(flags.profile ? { cpuProfDir: flags.profile } : {});
const rest = new CloudRest(cloud.httpUrl, CLIENTS);
try {
  const operator = cloud.key('operator');
  const merchant = cloud.key('merchant');
  const lockers = await provisionLockers(rest, operator, LOCKERS, COMPARTMENTS);
  // Units that answer every command, as real ones do: a cancel lets capacity go only then.
  const units = await Promise.all(
    lockers.map(
      async (l) =>
        new AnsweringUnit(
          await DeviceLink.connect(cloud.mqttUrl, loginOf(l.lockerId, l.enrollment), {
            cloudPublicKey: publicKeyFromRaw(l.enrollment.cloudPublicKey),
          }),
          l.key,
        ),
    ),
  );
  const ids = lockers.map((l) => l.lockerId);
  const parcels = new AllocationRequests(ids, merchant);
  const capacity = LOCKERS * COMPARTMENTS;
  const cancel = async (allocationIds: string[]) => {
    const run = await runLoad(
      rest,
      CLIENTS,
      allocationIds.map((id) => ({
        method: 'POST',
        path: `/api/v1/allocations/${id}/cancel`,
        key: merchant,
      })),
    );
    // Not measured: the units confirm the cancels, and only then is the capacity free again.
    const commandIds = run.answers.map((a) => (a.body as { commandId?: string }).commandId);
    const received = () => new Set(units.flatMap((u) => u.link.commands.all.map((c) => c.id)));
    for (let got = received(); !commandIds.every((id) => id && got.has(id)); got = received())
      await new Promise((resolve) => setTimeout(resolve, 20));
    await Promise.all(units.map((u) => u.settled()));
  };

  // Warm-up: the JIT and the sockets, not measured; cancelled again.
  const warmed = createdIds(await runLoad(rest, CLIENTS, parcels.take(CLIENTS * 4)));
  await cancel(warmed);

  // The ceiling runs in slices beside each measured phase, so both see the same machine.
  const ceilingSlice = Math.ceil(CEILING_REQUESTS / (ROUNDS + 1));
  const ceilingRuns: LoadResult[] = [];
  const ceiling = async (measured: boolean) => {
    const run = await runLoad(
      rest,
      CLIENTS,
      Array.from({ length: ceilingSlice }, (_, i) => ({
        method: 'GET',
        path: `/api/v1/lockers/${ids[i % ids.length]}/alerts?state=open&limit=1`,
        key: operator,
      })),
    );
    const failed = run.answers.filter((a) => a.status !== 200).length;
    if (failed > 0) throw new Error(`the ceiling route answered ${failed} times with an error`);
    if (measured) ceilingRuns.push(run);
  };
  await ceiling(false);

  let spareCpu = 0;
  let spareMain = 0;
  const spareRuns: LoadResult[] = [];
  let cancelled = 0;
  for (let r = 0; r < ROUNDS; r++) {
    await ceiling(true);
    const cpuBefore = cloud.cpuSeconds();
    const mainBefore = cloud.mainThreadCpuSeconds();
    const run = await runLoad(rest, CLIENTS, parcels.take(Math.floor(capacity / 2)));
    spareCpu += cloud.cpuSeconds() - cpuBefore;
    spareMain += cloud.mainThreadCpuSeconds() - mainBefore;
    spareRuns.push(run);
    const created = createdIds(run);
    cancelled += created.length;
    await cancel(created);
  }

  // Fill to a few free compartments (not measured), then far more requests than fit.
  const fill = await runLoad(
    rest,
    CLIENTS,
    parcels.take(capacity - Math.round(FULL_REQUESTS * FULL_FREE_SHARE)),
  );
  await ceiling(true);
  const fullRun = await runLoad(rest, CLIENTS, parcels.take(FULL_REQUESTS));

  const promises = countPromises(cloud.dataDir);
  const spare = phaseFigures(spareRuns);
  const full = phaseFigures([fullRun]);
  // Every allocation sends parcel.expect, every cancel parcel.cancel: all must reach the units.
  const sent =
    2 * warmed.length + spare.created + cancelled + createdIds(fill).length + full.created;
  const delivered = () => units.reduce((sum, u) => sum + u.received, 0);
  for (let waited = 0; delivered() < sent && waited < 10_000; waited += 50)
    await new Promise((resolve) => setTimeout(resolve, 50));
  await Promise.all(units.map((u) => u.close()));

  const ceilingFigures = phaseFigures(ceilingRuns);
  console.log(`ceiling (GET alerts): ${JSON.stringify(ceilingFigures)}`);
  console.log(`spare:  ${JSON.stringify(spare)} (cloud CPU ${round(spareCpu, 2)} s)`);
  console.log(`full:   ${JSON.stringify(full)}`);
  console.log(`store:  ${promises.live} live promises, ${promises.overPromised} over capacity`);
  console.log(
    JSON.stringify({
      lockers: LOCKERS,
      compartmentsPerLocker: COMPARTMENTS,
      clients: CLIENTS,
      spare,
      full,
      ceiling: {
        route: 'GET /api/v1/lockers/:id/alerts',
        perSec: ceilingFigures.perSec,
        p50Ms: ceilingFigures.p50Ms,
        p99Ms: ceilingFigures.p99Ms,
      },
      spareCloudCpuPerAllocationMs: round((spareCpu * 1000) / spare.requests, 3),
      spareMainThreadCpuPerAllocationMs: round((spareMain * 1000) / spare.requests, 3),
      overPromised: promises.overPromised,
      livePromises: promises.live,
      commandsIssued: sent,
      commandsDelivered: delivered(),
    }),
  );
} finally {
  rest.close();
  await cloud.stop();
}
