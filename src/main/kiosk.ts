/**
 * The kiosk's composition root: builds the store, identity, devices and KioskCore from one
 * config and hands each what it needs. The Electron shell and the headless runner both call it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import {
  cloudPublicKeyFor,
  startCloudConnection,
  type CloudConnection,
} from './cloud/cloudConnection';
import { applyStoredPolicy } from './cloud/policyOverrides';
import type { KioskConfig } from './config/kioskConfig';
import { openDevices, type Devices } from './devices';
import { FileIdentityStore } from './identity/fileIdentityStore';
import type { IdentityStore } from './identity/identityStore';
import { openDatabase, type Db } from './store/database';
import { freeBytesAt, isStorageFull, StorageFullError } from './store/storageFull';
import type { Clock } from './services/context';
import { KioskCore } from './services/kioskCore';

export interface Kiosk {
  core: KioskCore;
  identity: IdentityStore;
  devices: Devices;
  db: Db;
  /** The link to the cloud; null when started without one (tests, `cloud: false`). */
  cloud: CloudConnection | null;
  close(): Promise<void>;
}

const TICK_MS = 1000;

export interface StartOptions {
  cloudPublicKey?: KeyObject;
  softwareVersion?: string;
  /** The wall clock unless a test moves time (parcel expiry in end-to-end tests). */
  clock?: Clock;
  /** The simulators' control API port when on simulated hardware (default: a free one). */
  simControlPort?: number;
  /** Connect to the cloud (default true); `embeddedBrokerUrl` serves brokerUrl "embedded". */
  cloud?: boolean | { embeddedBrokerUrl?: string };
}

/**
 * Starts the kiosk. On a disk too full to record anything it throws StorageFullError (see
 * startupFailure.ts for what the entry points make of it), having closed what it opened.
 */
export async function startKiosk(
  config: KioskConfig,
  log: Logger,
  options: StartOptions = {},
): Promise<Kiosk> {
  const opened: { close(): unknown }[] = [];
  try {
    return await startIn(config, log, options, opened);
  } catch (e) {
    // Whatever did open is closed again, so the entry point can say why and exit.
    for (const o of opened.reverse()) await Promise.resolve(o.close()).catch(() => undefined);
    if (!isStorageFull(e)) throw e;
    let free: number | null = null;
    try {
      free = freeBytesAt(config.dataDir);
    } catch {
      free = null;
    }
    throw new StorageFullError(config.dataDir, free, e);
  }
}

async function startIn(
  config: KioskConfig,
  log: Logger,
  options: StartOptions,
  opened: { close(): unknown }[],
): Promise<Kiosk> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const identity = FileIdentityStore.open(join(config.dataDir, 'identity.json'));
  const db = openDatabase(join(config.dataDir, 'kiosk.db'));
  opened.push(db);
  const devices = await openDevices(config, log, {
    ...(options.simControlPort !== undefined ? { simControlPort: options.simControlPort } : {}),
  });
  opened.push(devices);
  // Policy the cloud changed (config.update) outlives restarts.
  applyStoredPolicy(db, config.policy);
  const fixedKey = options.cloudPublicKey;
  // Asked at each badge login: a key stored by a first-start enrolment works at once.
  const cloudPublicKey = fixedKey ? () => fixedKey : () => cloudPublicKeyFor(config);
  const clock = options.clock ?? { now: () => Date.now(), monotonic: () => performance.now() };
  const core = await KioskCore.start({
    config,
    db,
    board: devices.board,
    identity,
    clock,
    log,
    cloudPublicKey,
    storage: { freeBytes: () => freeBytesAt(config.dataDir) },
    ...(options.softwareVersion ? { softwareVersion: options.softwareVersion } : {}),
  });
  const cloudOptions = options.cloud ?? true;
  const cloud =
    cloudOptions === false
      ? null
      : startCloudConnection({
          config,
          core,
          db,
          identity,
          log,
          clock,
          ...(options.softwareVersion ? { softwareVersion: options.softwareVersion } : {}),
          ...(typeof cloudOptions === 'object' && cloudOptions.embeddedBrokerUrl
            ? { embeddedBrokerUrl: cloudOptions.embeddedBrokerUrl }
            : {}),
        });
  // A tick waits in the door queue; a slow board must not pile ticks up behind it.
  let ticking = false;
  const timer = setInterval(() => {
    if (ticking) return;
    ticking = true;
    core
      .tick()
      .catch((e: unknown) => {
        if (core.storage.noteFull(e)) log.error('tick could not write: disk full');
        else log.error({ err: e }, 'tick failed');
      })
      .finally(() => (ticking = false));
  }, TICK_MS);
  return {
    core,
    identity,
    devices,
    db,
    cloud,
    async close() {
      clearInterval(timer);
      await cloud?.close();
      await core.close();
      await devices.close();
      db.close();
    },
  };
}
