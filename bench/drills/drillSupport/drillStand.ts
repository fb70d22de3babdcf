/**
 * What the drills stand on: a temp dir with the kiosk's identity, a real Mosquitto, the real
 * cloud-mock on it with the locker provisioned and enrolled, the kiosk process's environment,
 * and, once the kiosk has delivered, what the cloud holds and what became of the commands.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FileIdentityStore } from '../../../src/main/identity/fileIdentityStore';
import { Mosquitto } from '../../../src/shared/node/testSupport/mosquitto';
import { startFlushCloud, type FlushCloud } from '../../benchSupport/flushCloud';
import type { KioskEnv } from '../../benchSupport/flushKioskProcess';
import { auditCommands, type CommandAudit } from './commandEffects';
import { readCloudLedger, type CloudLedger } from './cloudLedger';

export interface DeliveryOutcome {
  cloud: CloudLedger;
  /** Events the kiosk holds that the cloud does not. */
  lost: number;
  /** Event rows the cloud stored more than once. */
  duplicated: number;
  commands: CommandAudit;
}

export interface DrillStand {
  readonly dir: string;
  readonly lockerId: string;
  readonly identity: FileIdentityStore;
  readonly broker: Mosquitto;
  readonly cloud: FlushCloud;
  /** The kiosk process's environment; `brokerUrl` when it goes through something else. */
  kioskEnv(o: { publishesPerSecond: number; brokerUrl?: string }): KioskEnv;
  /** Read once the kiosk's chain has reached `kioskHead` and was delivered. */
  outcome(kioskHead: number): DeliveryOutcome;
  close(): Promise<void>;
}

export async function startDrillStand(lockerId: string): Promise<DrillStand> {
  const dir = mkdtempSync(join(tmpdir(), `${lockerId}-`));
  const identityFile = join(dir, 'identity.json');
  const identity = FileIdentityStore.open(identityFile);
  const broker = await Mosquitto.start();
  const cloud = await startFlushCloud({ brokerUrl: broker.url, lockerId, identity });
  const dbFile = join(dir, 'kiosk.db');
  return {
    dir,
    lockerId,
    identity,
    broker,
    cloud,
    kioskEnv: (o) => ({
      DB_FILE: dbFile,
      IDENTITY_FILE: identityFile,
      BROKER_URL: o.brokerUrl ?? broker.url,
      LOCKER_ID: lockerId,
      CLOUD_PUBLIC_KEY: cloud.cloudPublicKey,
      RATE: String(o.publishesPerSecond),
    }),
    outcome: (kioskHead) => {
      const ledger = readCloudLedger(cloud.dataDir, lockerId);
      const db = new Database(dbFile, { readonly: true, fileMustExist: true });
      try {
        return {
          cloud: ledger,
          lost: kioskHead - ledger.distinct,
          duplicated: ledger.rows - ledger.distinct,
          commands: auditCommands(db),
        };
      } finally {
        db.close();
      }
    },
    close: async () => {
      await cloud.close();
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
