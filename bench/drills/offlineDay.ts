/**
 * Offline-day drill: a whole kiosk (startKiosk on the simulated lock bus, its serial driver on a
 * socat pty) and the real cloud-mock on a secured Mosquitto share one moving clock. Online, the
 * operator allocates parcels (some held one day) and announces returns; the one-day parcels are
 * deposited. Then the broker stops and the locker lives 24 hours offline in half-hour steps (its
 * tick after each): couriers deposit the announced parcels and some it never heard of,
 * customers pick parcels up a few hours after they went in and drop off returns, and the
 * one-day parcels expire. Then the broker comes back. What must hold:
 *  - every operation offline works (no refusal, no door left unsettled);
 *  - the backlog drains after the reconnect, and never faster than the relay's publish window
 *    (event batches the relay published in any one second, by its own log, ≤ publishesPerSecond);
 *  - the cloud's view equals the kiosk's: every compartment's state and contents, every
 *    parcel's and return's state, and the event chain (same seqs and hashes, no gap, verified);
 *    the cloud's reconciliation of the retained state snapshot finds nothing.
 * The customers' codes are read from the cloud's store (it made them at allocation; it would
 * send them once it heard of the deposit, which offline it cannot).
 *
 *   npm run drill -- offline-day [--deposits 6] [--unannounced 1] [--returns 1] [--expiries 2]
 *   [--rate 1]                                   (full: --full, 100 deposits and 100 pickups)
 * `--rate` is the kiosk's publishesPerSecond: low, so that the window binds even on a backlog
 * a few batches long.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { AllocationResponse } from '../../src/shared/rest/schemas';
import { kioskConfigSchema } from '../../src/main/config/kioskConfig';
import { mostInOneSecond } from '../../src/main/cloud/testSupport/publishTimes';
import { listDoorOperations } from '../../src/main/store/doorOperations';
import { mediumCompartments } from '../../src/main/services/testSupport/kioskFixture';
import {
  allocation,
  provisionLocker,
  standConfig,
  startStand,
  startStandKiosk,
  until,
  type StandKiosk,
} from '../../cloud-mock/integration/stand';
import { MessageTimes } from './drillSupport/messageTimes';
import { cloudView, differences, kioskView } from './drillSupport/lockerViews';
import { MovingClock } from './drillSupport/movingClock';
import { Verdict } from './drillSupport/verdict';

const { values } = parseArgs({
  options: {
    deposits: { type: 'string' },
    unannounced: { type: 'string' },
    returns: { type: 'string' },
    expiries: { type: 'string' },
    rate: { type: 'string', default: '1' },
    full: { type: 'boolean', default: false },
  },
});
const full = values.full;
const deposits = Number(values.deposits ?? (full ? 100 : 6));
const unannounced = Number(values.unannounced ?? (full ? 10 : 1));
const returnsDropped = Number(values.returns ?? (full ? 10 : 1));
const expiries = Number(values.expiries ?? (full ? 10 : 2));
const rate = Number(values.rate);
const STEP_MS = 30 * 60_000;
const STEPS = 48;
/** A parcel is picked up this many steps (hours × 2) after it went in. */
const PICKUP_AFTER = 4;
const lockerId = 'offline-day';

// 8 boards of 16 M compartments: room for the whole day.
const compartments = mediumCompartments(128, 16);

const clock = new MovingClock();
const published = new MessageTimes('event batch published', 'kiosk');
const quietCloud = new MessageTimes('', 'cloud');
const stand = await startStand('mosquitto', { clock, log: quietCloud.logger });
const verdict = new Verdict();
const check = (ok: boolean, what: string) => verdict.check(ok, what);
const figures: Record<string, unknown> = {};
let k: StandKiosk | null = null;

try {
  const token = await provisionLocker(
    stand,
    lockerId,
    undefined,
    compartments.map(({ id, size, inner, maxWeightG, lowerDoor }) => ({
      id,
      size,
      inner,
      maxWeightG,
      lowerDoor,
    })),
  );
  const base = standConfig(stand, {
    lockerId,
    dataDir: mkdtempSync(join(tmpdir(), 'drill-offline-day-')),
    token,
    publishesPerSecond: rate,
    compartments,
  });
  const config = kioskConfigSchema.parse({ ...base, policy: { ...base.policy, holdDays: 3 } });
  k = await startStandKiosk(stand, config, { clock, removeDataDir: true, log: published.logger });
  const kiosk = k;
  const courier = kiosk.login((await stand.badge('courier', 'drill-courier')).token);

  // Online: what the cloud announces, and the one-day parcels deposited.
  const cloudDb = () =>
    new Database(join(stand.dataDir, 'cloud.sqlite'), { readonly: true, fileMustExist: true });
  const allocate = (id: string, holdDays: number) =>
    stand.call<AllocationResponse>(
      'POST',
      '/api/v1/allocations',
      allocation(lockerId, id, { holdDays }),
      201,
    );
  const dayParcels = Array.from({ length: deposits }, (_, i) => `p${i + 1}`);
  const shortParcels = Array.from({ length: expiries }, (_, i) => `e${i + 1}`);
  for (const id of dayParcels) await allocate(id, 3);
  for (const id of shortParcels) await allocate(id, 1);
  const returnCodes: string[] = [];
  for (let i = 0; i < returnsDropped; i++) {
    const r = await stand.call<{ returnCode: string }>(
      'POST',
      '/api/v1/returns',
      { lockerId, size: 'M', customer: { name: 'Grace Hopper', phone: '+49 30 7654321' } },
      201,
    );
    returnCodes.push(r.returnCode);
  }
  await until(
    () =>
      [...dayParcels, ...shortParcels].every((id) => kiosk.parcel(id)?.state === 'expected') &&
      (kiosk.kiosk.db.prepare(`SELECT count(*) AS n FROM returns`).get() as { n: number }).n ===
        returnsDropped,
    'every announcement at the kiosk',
  );
  const codes = new Map<string, string>();
  {
    const db = cloudDb();
    for (const id of dayParcels) {
      const row = db
        .prepare('SELECT pickup_code AS code FROM parcels WHERE locker_id = ? AND parcel_id = ?')
        .get(lockerId, id) as { code: string | null } | undefined;
      if (!row?.code) throw new Error(`the cloud made no code for ${id}`);
      codes.set(id, row.code);
    }
    db.close();
  }
  for (const id of shortParcels) await kiosk.deposit(courier, `TRK${id.toUpperCase()}`);
  await until(() => kiosk.acked() === kiosk.head(), 'the online part delivered');

  // Offline: the broker goes away; the locker lives its day.
  await stand.down();
  await until(() => !kiosk.online(), 'the kiosk notices the broker is gone');
  const ackedOffline = kiosk.acked();
  const plan: (() => Promise<unknown>)[][] = Array.from({ length: STEPS }, () => []);
  const spread = (n: number, last: number, i: number) => Math.floor((i * last) / Math.max(1, n));
  const done = { deposits: 0, pickups: 0, unannounced: 0, returns: 0 };
  const refused: string[] = [];
  const attempt = (what: keyof typeof done, run: () => Promise<unknown>) => async () => {
    try {
      await run();
      done[what] += 1;
    } catch (e) {
      refused.push(`${what}: ${(e as Error).message}`);
    }
  };
  dayParcels.forEach((id, i) => {
    const at = spread(deposits, STEPS - PICKUP_AFTER - 1, i);
    plan[at]!.push(attempt('deposits', () => kiosk.deposit(courier, `TRK${id.toUpperCase()}`)));
    plan[at + PICKUP_AFTER]!.push(attempt('pickups', () => kiosk.pickUp(codes.get(id)!)));
  });
  for (let i = 0; i < unannounced; i++)
    plan[spread(unannounced, STEPS - 1, i)]!.push(
      attempt('unannounced', () => kiosk.deposit(courier, `UNANNOUNCED${i + 1}`, 'M')),
    );
  returnCodes.forEach((code, i) =>
    plan[spread(returnsDropped, STEPS - 1, i) + 1]!.push(
      attempt('returns', async () => {
        const opened = await kiosk.kiosk.core.returns.withCode(code, 'code');
        if (!opened.ok) throw new Error(`return refused: ${JSON.stringify(opened.error)}`);
        await kiosk.shut(opened.value.compartmentId, true);
      }),
    ),
  );
  const offlineAt = clock.now();
  for (const step of plan) {
    for (const act of step) await act();
    await kiosk.kiosk.core.settled();
    clock.skip(STEP_MS);
    await kiosk.kiosk.core.tick();
    await kiosk.kiosk.core.settled();
  }
  figures.offline = {
    hours: (clock.now() - offlineAt) / 3_600_000,
    ...done,
    expired: shortParcels.filter((id) => kiosk.parcel(id)?.state === 'expired').length,
    eventsWritten: kiosk.head() - ackedOffline,
  };
  check(
    refused.length === 0,
    `every operation worked offline (${JSON.stringify(figures.offline)}${refused.length ? `; refused: ${refused.slice(0, 3).join('; ')}` : ''})`,
  );
  check(
    done.deposits === deposits &&
      done.pickups === deposits &&
      done.unannounced === unannounced &&
      done.returns === returnsDropped,
    'as many deposits, pickups, unannounced deposits and returns as planned',
  );
  check(
    shortParcels.every((id) => kiosk.parcel(id)?.state === 'expired'),
    'the one-day parcels expired offline',
  );
  check(listDoorOperations(kiosk.kiosk.db).length === 0, 'no door operation left unsettled');
  check(kiosk.acked() === ackedOffline, 'nothing reached the cloud while the broker was down');

  // Back online: the backlog drains within the publish window.
  const backAt = Date.now();
  const drainStarted = performance.now();
  await stand.up();
  await until(
    () => kiosk.online() && kiosk.acked() === kiosk.head(),
    'the backlog drained',
    180_000,
  );
  const drainSeconds = (performance.now() - drainStarted) / 1000;
  // The cloud answers what it heard (codes for the unannounced parcels): settle that too.
  let head = -1;
  while (head !== kiosk.head()) {
    head = kiosk.head();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await until(() => kiosk.acked() === kiosk.head(), 'the answers delivered', 60_000);
  }
  const times = published.since(backAt);
  figures.drain = {
    events: figures.offline && (figures.offline as { eventsWritten: number }).eventsWritten,
    seconds: Math.round(drainSeconds * 10) / 10,
    batches: times.length,
    mostBatchesInOneSecond: mostInOneSecond(times),
    publishesPerSecond: rate,
  };
  check(
    times.length > 0 && mostInOneSecond(times) <= rate,
    `drained within the publish window (${JSON.stringify(figures.drain)})`,
  );

  // The cloud's view equals the kiosk's.
  const db = cloudDb();
  const diff = differences(kioskView(kiosk.kiosk.db), cloudView(db, lockerId));
  const cloudEvents = db
    .prepare('SELECT seq, hash FROM events WHERE locker_id = ? ORDER BY seq')
    .all(lockerId) as { seq: number; hash: string }[];
  db.close();
  const kioskEvents = kiosk.events();
  const unequal = kioskEvents.filter(
    (e, i) => cloudEvents[i]?.seq !== e.seq || cloudEvents[i]?.hash !== e.hash,
  );
  check(
    diff.length === 0,
    `the cloud's compartments, parcels and returns equal the kiosk's (${diff.slice(0, 5).join('; ') || `${Object.keys(kioskView(kiosk.kiosk.db).parcels).length} parcels`})`,
  );
  check(
    cloudEvents.length === kioskEvents.length && unequal.length === 0,
    `the cloud holds the kiosk's chain, seq for seq and hash for hash (${cloudEvents.length} vs ${kioskEvents.length})`,
  );
  const audit = await stand.audit(lockerId);
  check(
    audit.gaps.length === 0 && audit.brokenLinks.length === 0 && !audit.flagged,
    `the cloud's audit verifies the chain (${JSON.stringify({ gaps: audit.gaps, broken: audit.brokenLinks.length })})`,
  );
  const reconciliation = await stand.call<{ mismatches: unknown[]; inSync: boolean }>(
    'GET',
    `/api/v1/lockers/${lockerId}/reconciliation`,
  );
  check(
    reconciliation.mismatches.length === 0,
    `the cloud's reconciliation finds no mismatch (${JSON.stringify(reconciliation.mismatches.slice(0, 3))})`,
  );
  figures.events = kioskEvents.length;
} catch (e) {
  verdict.broke(e);
} finally {
  await k?.close().catch(() => undefined);
  await stand.close().catch(() => undefined);
}

verdict.finish({
  deposits,
  pickups: deposits,
  unannounced,
  returns: returnsDropped,
  expiries,
  ...figures,
});
