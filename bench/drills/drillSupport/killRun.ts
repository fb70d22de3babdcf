/**
 * One run of the kill drill: a real Mosquitto, the real cloud-mock on it (announcing parcels and
 * booking returns through its REST API all along, so commands keep arriving), the lock boards in
 * a process of their own counting every unlock frame, and the kill drill's kiosk (killKiosk.ts)
 * working on one SQLite file, SIGKILLed at random instants and started again, `kills` times.
 * After every kill the file is checked as the next start will find it; at the end the kiosk runs
 * until everything is delivered, and the cloud's store, the chain, the compartments and the
 * boards' pulse counts are judged.
 */
import { resolve } from 'node:path';
import type { FileIdentityStore } from '../../../src/main/identity/fileIdentityStore';
import { bundledScript } from '../../../src/main/services/testSupport/bundledScript';
import { checkInvariants } from '../../../src/main/services/testSupport/invariants';
import { smallLockerConfig } from '../../../src/main/services/testSupport/kioskFixture';
import { openDatabase } from '../../../src/main/store/database';
import { BoardWitness } from '../../benchSupport/boardWitness';
import { FlushKioskProcess } from '../../benchSupport/flushKioskProcess';
import { startCloudTraffic } from './cloudTraffic';
import { delivered } from './delivered';
import { startDrillStand, type DeliveryOutcome } from './drillStand';
import { auditDoorPulses, type PulseAudit } from './doorPulses';

export interface KillOptions {
  kills: number;
  /** The longest a kiosk lives before its kill (ms after it started). */
  maxLifeMs: number;
  say?: (line: string) => void;
}

export interface KillFigures extends DeliveryOutcome {
  kills: number;
  killsDuringStart: number;
  operations: number;
  kioskHead: number;
  /** Problems found in the file after a kill or at the end (compartments, items, chain). */
  inconsistencies: string[];
  chainVerified: boolean;
  pulses: PulseAudit;
  commandsSent: number;
  commandsRefusedByCloud: number;
  workErrors: string[];
  seconds: number;
}

const LOCKER = 'drill-kill';
const KIOSK = resolve(import.meta.dirname, 'killKiosk.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rand = (n: number) => Math.floor(Math.random() * n);

export async function runKill(o: KillOptions): Promise<KillFigures> {
  const say = o.say ?? (() => {});
  const started = performance.now();
  const stand = await startDrillStand(LOCKER);
  const { cloud, identity } = stand;
  const boards = await BoardWitness.start({
    boards: [0],
    floor: { board: 0, lock: 16 },
    openDelayMs: 30,
    swapAfterMs: 250,
  });
  const command = await bundledScript(KIOSK);
  const env = stand.kioskEnv({ publishesPerSecond: 100 });
  const spawnKiosk = () =>
    FlushKioskProcess.spawn(env, {
      command,
      env: { BUS_PATH: boards.kioskPath, CLOUD_DATA_DIR: cloud.dataDir },
    });
  const traffic = startCloudTraffic(cloud, LOCKER);
  const inconsistencies: string[] = [];
  const workErrors: string[] = [];
  const chainCache = { seq: 0, hash: '' };
  const publicKey = identity.deviceKey().publicKey;
  let operations = 0;
  let killsDuringStart = 0;
  let kiosk: FlushKioskProcess | null = null;
  try {
    for (let kill = 1; kill <= o.kills; kill++) {
      kiosk = spawnKiosk();
      let lastSeq = 0;
      kiosk.onLine((line) => {
        if (line.startsWith('SEQ ')) {
          lastSeq = Number(line.slice(4));
          operations += 1;
        } else if (line.startsWith('ERROR ')) workErrors.push(line.slice(6));
      });
      // Some kills land while it starts (migrations, reconciliation, connecting); most mid-work.
      if (rand(5) === 0) {
        killsDuringStart += 1;
        await sleep(rand(600));
      } else {
        await kiosk.said('START', 60_000);
        await sleep(rand(o.maxLifeMs));
      }
      await kiosk.kill();
      const where = `after kill ${kill}`;
      const seen = inspect(env.DB_FILE, publicKey, chainCache);
      for (const v of seen.violations) inconsistencies.push(`${where}: ${v}`);
      if (seen.head < lastSeq)
        inconsistencies.push(
          `${where}: seq ${lastSeq} was committed, the file ends at ${seen.head}`,
        );
      if (kill % 10 === 0 || kill === o.kills)
        say(`kill ${kill}/${o.kills}: head ${seen.head}, ${operations} steps so far`);
    }

    // The last life: work a little, then rest until everything is delivered and settled.
    kiosk = spawnKiosk();
    kiosk.onLine((line) => {
      if (line.startsWith('ERROR ')) workErrors.push(line.slice(6));
    });
    await kiosk.said('START', 60_000);
    await sleep(1000);
    kiosk.child.stdin!.write('quiet\n');
    await traffic.stop();
    const kioskHead = await delivered(env.DB_FILE, cloud.dataDir, LOCKER, 120_000);
    await kiosk.kill();

    const db = openDatabase(env.DB_FILE);
    let pulses: PulseAudit;
    let chainVerified = false;
    try {
      const final = checkInvariants(db, publicKey); // the whole chain, from genesis
      for (const v of final) inconsistencies.push(`at the end: ${v}`);
      chainVerified = !final.some((v) => /chain|signature|hash/i.test(v));
      const lockOf = new Map(
        smallLockerConfig().compartments.map((c) => [c.id, `${c.board}/${c.lock}`]),
      );
      pulses = auditDoorPulses(db, boards.unlocksByLock, lockOf);
    } finally {
      db.close();
    }
    return {
      kills: o.kills,
      killsDuringStart,
      operations,
      kioskHead,
      ...stand.outcome(kioskHead),
      inconsistencies,
      chainVerified,
      pulses,
      commandsSent: traffic.sent,
      commandsRefusedByCloud: traffic.refused,
      workErrors,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await traffic.stop();
    await kiosk?.kill();
    await boards.close();
    await stand.close();
  }
}

/** The kiosk's file as the next start finds it: invariants (chain incrementally) and its head. */
function inspect(
  dbFile: string,
  publicKey: ReturnType<FileIdentityStore['deviceKey']>['publicKey'],
  chainCache: { seq: number; hash: string },
): { violations: string[]; head: number } {
  try {
    const db = openDatabase(dbFile);
    try {
      const head = (
        db.prepare('SELECT coalesce(max(seq), 0) AS s FROM events').get() as {
          s: number;
        }
      ).s;
      return { violations: checkInvariants(db, publicKey, { chainCache }), head };
    } finally {
      db.close();
    }
  } catch (e) {
    return { violations: [`the file cannot be opened: ${(e as Error).message}`], head: 0 };
  }
}
