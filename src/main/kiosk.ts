/**
 * The kiosk's composition root: builds the store, identity, devices and KioskCore from one
 * config and hands each what it needs. The Electron shell and the headless runner both call it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import { publicKeyFromRaw } from '../shared/node/ed25519';
import type { KioskConfig } from './config/kioskConfig';
import { openDevices, type Devices } from './devices';
import { FileIdentityStore } from './identity/fileIdentityStore';
import type { IdentityStore } from './identity/identityStore';
import { openDatabase, type Db } from './store/database';
import type { Clock } from './services/context';
import { KioskCore } from './services/kioskCore';

export interface Kiosk {
  core: KioskCore;
  identity: IdentityStore;
  devices: Devices;
  db: Db;
  close(): Promise<void>;
}

const TICK_MS = 1000;

export async function startKiosk(
  config: KioskConfig,
  log: Logger,
  options: {
    cloudPublicKey?: KeyObject;
    softwareVersion?: string;
    /** The wall clock unless a test moves time (parcel expiry in end-to-end tests). */
    clock?: Clock;
  } = {},
): Promise<Kiosk> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const identity = FileIdentityStore.open(join(config.dataDir, 'identity.json'));
  const db = openDatabase(join(config.dataDir, 'kiosk.db'));
  const devices = await openDevices(config, log);
  const cloudPublicKey =
    options.cloudPublicKey ??
    (config.cloud.publicKey ? publicKeyFromRaw(config.cloud.publicKey) : null);
  const core = await KioskCore.start({
    config,
    db,
    board: devices.board,
    identity,
    clock: options.clock ?? { now: () => Date.now() },
    log,
    cloudPublicKey,
    ...(options.softwareVersion ? { softwareVersion: options.softwareVersion } : {}),
  });
  const timer = setInterval(() => {
    try {
      core.tick();
    } catch (e) {
      log.error({ err: e }, 'tick failed');
    }
  }, TICK_MS);
  return {
    core,
    identity,
    devices,
    db,
    async close() {
      clearInterval(timer);
      await core.close();
      await devices.close();
      db.close();
    },
  };
}
