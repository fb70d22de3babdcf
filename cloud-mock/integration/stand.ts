/**
 * Test support for the end-to-end proof: the real cloud-mock and the real kiosk (startKiosk on
 * simulated hardware) on one broker — cloud-mock's embedded aedes or a Mosquitto started here —
 * with helpers that play the operator (REST), the courier and the customer (KioskCore and the
 * lock-bus simulator). Used by cloud-mock/integration and by the Playwright cloud fixture.
 *
 * This is the one place that joins the two processes, so it imports src/main on purpose.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino, type Logger } from 'pino';
import type { z } from 'zod';
import type { SignedEvent } from '../../src/shared/events';
import type {
  AuditResponse,
  BadgeResponseSchema,
  CompartmentSpec,
  Notification,
  ProvisionLockerResponse,
} from '../../src/shared/rest/schemas';
import { API_ROLES, type ApiRole } from '../../src/shared/rest/apiKeys';
import { startCloud, type RunningCloud } from '../cloud';
import { mintKey } from '../testSupport/cloudFixture';
import { parseKioskConfig, type KioskConfig } from '../../src/main/config/kioskConfig';
import { startKiosk, type Kiosk } from '../../src/main/kiosk';
import type { Actor, Clock } from '../../src/main/services/context';
import type { Compartment } from '../../src/main/store/compartments';
import { ackedSeq, chainHead, listEvents, type StoredEvent } from '../../src/main/store/events';
import { getParcel, type Parcel } from '../../src/main/store/parcels';
import { isBadgeRevoked } from '../../src/main/store/revokedBadges';
import { startSecuredMosquitto } from '../testSupport/securedMosquitto';

export type BrokerKind = 'aedes' | 'mosquitto';

export const DEMO_CONFIG = 'src/main/config/demo-kiosk.json';

const logger = (name: string): Logger =>
  pino({ name, level: process.env.IT_LOG ?? 'silent' }, pino.destination(2));

/** Polls `condition` until it holds; fails naming `what` after `timeoutMs` instead of hanging. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A row of the cloud's events table, as stored. */
export interface CloudEventRow {
  seq: number;
  type: string;
  hash: string;
  event: SignedEvent;
  /** Insertion order: the order the cloud stored them in. */
  rowid: number;
}

export interface CloudStand {
  readonly kind: BrokerKind;
  readonly httpUrl: string;
  /** The broker both sides use. */
  readonly mqttUrl: string;
  readonly dataDir: string;
  readonly running: RunningCloud;
  /** A live API key of each role; `rest` and `call` send the operator's. */
  readonly keys: Record<ApiRole, string>;
  rest<T = unknown>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  /** Like `rest`, and throws unless the status is the expected one. */
  call<T = unknown>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
    status?: number,
  ): Promise<T>;
  audit(lockerId: string): Promise<AuditResponse>;
  notifications(query: string): Promise<Notification[]>;
  badge(role: 'courier' | 'staff', subject: string): Promise<z.infer<typeof BadgeResponseSchema>>;
  /** Everything the cloud stored for a locker, in seq order (read-only view of cloud.sqlite). */
  storedEvents(lockerId: string): CloudEventRow[];
  commandStatus(commandId: string): { status: string; error: string | null } | null;
  /**
   * The broker goes away. Mosquitto is stopped; the embedded aedes lives inside cloud-mock, so
   * cloud-mock is closed (and comes back on the same data dir and ports).
   */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startStand(
  kind: BrokerKind,
  /** The cloud's clock (default: the wall clock); a drill shares one with the kiosk. */
  o: { clock?: { now(): number }; log?: Logger } = {},
): Promise<CloudStand> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cloud-stand-'));
  // Mosquitto as deployed: every unit logs in with its enrolment's identity, the cloud as admin.
  const secured = kind === 'mosquitto' ? await startSecuredMosquitto() : null;
  const mosquitto = secured?.mosquitto ?? null;
  const log = o.log ?? logger('cloud');
  const open = (ports: { http: number; mqtt: number }) =>
    startCloud({
      dataDir,
      httpPort: ports.http,
      ...(secured ? secured.cloudOptions : { mqttPort: ports.mqtt }),
      log,
      scheduler: false,
      ...(o.clock ? { clock: o.clock } : {}),
    });
  let cloud: RunningCloud | null = await open({ http: 0, mqtt: 0 });
  const httpUrl = cloud.httpUrl;
  const mqttUrl = cloud.mqttUrl;
  const ports = { http: Number(new URL(httpUrl).port), mqtt: Number(new URL(mqttUrl).port) };
  // Minted in the data dir as `keys create` does; they outlive a restart of cloud-mock.
  const keys = Object.fromEntries(
    API_ROLES.map((role) => [role, mintKey(dataDir, role, `stand ${role}`)]),
  ) as Record<ApiRole, string>;

  const rest = async <T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) => {
    const response = await fetch(`${httpUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${keys.operator}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const call = async <T>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
    status = 200,
  ) => {
    const r = await rest<T>(method, path, body);
    if (r.status !== status)
      throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const readCloud = <T>(read: (db: Database.Database) => T): T => {
    const db = new Database(join(dataDir, 'cloud.sqlite'), { readonly: true, fileMustExist: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  };

  return {
    kind,
    httpUrl,
    mqttUrl,
    dataDir,
    keys,
    get running() {
      if (!cloud) throw new Error('cloud-mock is down');
      return cloud;
    },
    rest,
    call,
    audit: (lockerId) => call<AuditResponse>('GET', `/api/v1/lockers/${lockerId}/audit`),
    notifications: async (query) =>
      (await call<{ notifications: Notification[] }>('GET', `/api/v1/notifications?${query}`))
        .notifications,
    badge: (role, subject) =>
      call<z.infer<typeof BadgeResponseSchema>>(
        'POST',
        '/api/v1/badges',
        { role, subject, validDays: 30 },
        201,
      ),
    storedEvents: (lockerId) =>
      readCloud((db) =>
        (
          db
            .prepare(
              'SELECT rowid, seq, type, hash, event FROM events WHERE locker_id = ? ORDER BY seq',
            )
            .all(lockerId) as (Omit<CloudEventRow, 'event'> & { event: string })[]
        ).map((r) => ({ ...r, event: JSON.parse(r.event) as SignedEvent })),
      ),
    commandStatus: (commandId) =>
      readCloud(
        (db) =>
          (db.prepare('SELECT status, error FROM commands WHERE id = ?').get(commandId) as
            { status: string; error: string | null } | undefined) ?? null,
      ),
    down: async () => {
      if (mosquitto) return mosquitto.stop();
      await cloud?.close();
      cloud = null;
    },
    up: async () => {
      if (mosquitto) return mosquitto.resume();
      if (!cloud) cloud = await open(ports);
    },
    close: async () => {
      await cloud?.close();
      cloud = null;
      await mosquitto?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The demo locker's compartments, as the operator provisions them in the cloud. */
export function demoLayout(): CompartmentSpec[] {
  const demo = JSON.parse(readFileSync(DEMO_CONFIG, 'utf8')) as {
    compartments: (CompartmentSpec & { board: number; lock: number })[];
  };
  return demo.compartments.map(({ id, size, inner, maxWeightG, lowerDoor }) => ({
    id,
    size,
    inner,
    maxWeightG,
    lowerDoor,
  }));
}

/**
 * POST /api/v1/lockers with the demo layout (or the one given, and a code length, when given);
 * the one-time enrolment token.
 */
export async function provisionLocker(
  stand: CloudStand,
  lockerId: string,
  codeLength?: number,
  layout: CompartmentSpec[] = demoLayout(),
): Promise<string> {
  const r = await stand.call<ProvisionLockerResponse>(
    'POST',
    '/api/v1/lockers',
    {
      id: lockerId,
      name: `Locker ${lockerId}`,
      address: 'Hauptstraße 1, Berlin',
      lat: 52.52,
      lng: 13.405,
      compartments: layout,
      ...(codeLength === undefined ? {} : { codeLength }),
    },
    201,
  );
  return r.enrollmentToken;
}

/**
 * The demo config for this locker on this stand: its own data dir, the cloud's REST URL and the
 * enrolment token. The broker URL comes from enrolment; on aedes the config says "embedded".
 */
export function standConfig(
  stand: CloudStand,
  o: {
    lockerId: string;
    dataDir: string;
    token: string;
    publishesPerSecond?: number;
    /** The kiosk's compartments (default: the demo config's), as provisioned in the cloud. */
    compartments?: KioskConfig['compartments'];
  },
): KioskConfig {
  const raw = JSON.parse(readFileSync(DEMO_CONFIG, 'utf8')) as Record<string, unknown>;
  const parsed = parseKioskConfig(
    {
      ...raw,
      lockerId: o.lockerId,
      dataDir: o.dataDir,
      ...(o.compartments ? { compartments: o.compartments } : {}),
      cloud: {
        brokerUrl: stand.kind === 'aedes' ? 'embedded' : stand.mqttUrl,
        apiUrl: stand.httpUrl,
        enrollmentToken: o.token,
        ...(o.publishesPerSecond ? { publishesPerSecond: o.publishesPerSecond } : {}),
      },
    },
    DEMO_CONFIG,
  );
  if (!parsed.ok) throw new Error(parsed.error.problems.join('\n'));
  return parsed.value;
}

/** Writes the config where a kiosk child process can load it. */
export function writeConfig(config: KioskConfig, file: string): void {
  writeFileSync(file, JSON.stringify(config, null, 2));
}

export interface StandKiosk {
  kiosk: Kiosk;
  config: KioskConfig;
  lockerId: string;
  dataDir: string;
  parcel(id: string): Parcel | undefined;
  compartment(id: string): Compartment;
  /** Highest seq in the kiosk's chain. */
  head(): number;
  /** Highest seq the cloud has acked to the kiosk. */
  acked(): number;
  events(): StoredEvent[];
  online(): boolean;
  /** The kiosk holds the cloud's revocation of this badge. */
  badgeRevoked(badgeId: string): boolean;
  /** A badge login at the kiosk; throws when refused. */
  login(token: string): Actor;
  /** Waits for the door to be sensed open, then shuts it with or without an item inside. */
  shut(compartmentId: string, itemInside: boolean): Promise<void>;
  /** Courier deposit through KioskCore: scan, door opens, parcel in, door shut, committed. */
  deposit(
    actor: Actor,
    trackingBarcode: string,
    size?: 'S' | 'M' | 'L' | 'XL',
  ): Promise<{ parcelId: string; compartmentId: string }>;
  /** Customer pickup through KioskCore with the code; ends with the parcel picked up. */
  pickUp(code: string): Promise<{ parcelId: string; compartmentId: string }>;
  close(): Promise<void>;
}

/** Starts the kiosk's composition root on this config (data dir kept unless `removeDataDir`). */
export async function startStandKiosk(
  stand: CloudStand,
  config: KioskConfig,
  o: { removeDataDir?: boolean; waitOnline?: boolean; clock?: Clock; log?: Logger } = {},
): Promise<StandKiosk> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const kiosk = await startKiosk(config, o.log ?? logger(`kiosk ${config.lockerId}`), {
    softwareVersion: '0.1.0-it',
    ...(o.clock ? { clock: o.clock } : {}),
    cloud: stand.kind === 'aedes' ? { embeddedBrokerUrl: stand.mqttUrl } : true,
  });
  const sim = kiosk.devices.simulation;
  if (!sim) throw new Error('the demo config runs on simulators');
  const compartment = (id: string): Compartment => {
    const c = kiosk.core.compartments().find((x) => x.id === id);
    if (!c) throw new Error(`no compartment ${id}`);
    return c;
  };
  const shut = async (id: string, itemInside: boolean) => {
    await until(() => compartment(id).doorOpen === true, `door ${id} sensed open`);
    const c = compartment(id);
    const placed = sim.bus.sim.setItem(c.board, c.lock, itemInside);
    if (!placed.ok) throw new Error(placed.error);
    const closed = sim.bus.sim.closeDoor(c.board, c.lock);
    if (!closed.ok) throw new Error(closed.error);
    await until(() => compartment(id).doorOpen === false, `door ${id} sensed closed`);
    await kiosk.core.settled();
  };
  const parcel = (id: string) => getParcel(kiosk.db, id);
  const standKiosk: StandKiosk = {
    kiosk,
    config,
    lockerId: config.lockerId,
    dataDir: config.dataDir,
    parcel,
    compartment,
    head: () => chainHead(kiosk.db)?.seq ?? 0,
    acked: () => ackedSeq(kiosk.db),
    events: () => listEvents(kiosk.db),
    online: () => kiosk.cloud?.status().connection === 'online',
    badgeRevoked: (badgeId) => isBadgeRevoked(kiosk.db, badgeId),
    login: (token) => {
      const r = kiosk.core.credentials.login(token);
      if (!r.ok) throw new Error(`badge refused: ${r.error}`);
      return { role: r.value.role, subject: r.value.subject };
    },
    shut,
    deposit: async (actor, trackingBarcode, size) => {
      const started = await kiosk.core.deposits.start(actor, trackingBarcode, size);
      if (!started.ok) throw new Error(`deposit refused: ${JSON.stringify(started.error)}`);
      const { parcelId, compartmentId } = started.value;
      await shut(compartmentId, true);
      await until(() => parcel(parcelId)?.state === 'deposited', `parcel ${parcelId} deposited`);
      return { parcelId, compartmentId };
    },
    pickUp: async (code) => {
      const opened = await kiosk.core.pickups.withCode(code, 'code');
      if (!opened.ok) throw new Error(`pickup refused: ${JSON.stringify(opened.error)}`);
      const { parcelId, compartmentId } = opened.value;
      await shut(compartmentId, false);
      await until(() => parcel(parcelId)?.state === 'picked_up', `parcel ${parcelId} picked up`);
      return { parcelId, compartmentId };
    },
    close: async () => {
      await kiosk.close();
      if (o.removeDataDir) rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
  if (o.waitOnline ?? true)
    await until(() => standKiosk.online(), `kiosk ${config.lockerId} enrolled and online`);
  return standKiosk;
}

/** Provisions a locker, then starts a kiosk on a fresh data dir that enrols by itself. */
export async function enrolledKiosk(
  stand: CloudStand,
  lockerId: string,
  o: { publishesPerSecond?: number; codeLength?: number } = {},
): Promise<StandKiosk> {
  const { codeLength, ...tuning } = o;
  const token = await provisionLocker(stand, lockerId, codeLength);
  const dataDir = mkdtempSync(join(tmpdir(), `kiosk-${lockerId}-`));
  const config = standConfig(stand, { lockerId, dataDir, token, ...tuning });
  return startStandKiosk(stand, config, { removeDataDir: true });
}

/** An allocation request for a small parcel the demo locker's S compartments take. */
export function allocation(
  lockerId: string,
  parcelId: string,
  extra: Record<string, unknown> = {},
) {
  return {
    lockerId,
    parcelId,
    trackingBarcode: `TRK${parcelId.toUpperCase()}`,
    dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 },
    weightG: 1200,
    customer: { name: 'Ada Lovelace', phone: '+49 30 1234567', email: 'ada@example.org' },
    ...extra,
  };
}

/** The plain pickup code the cloud sent for a parcel (waits for the notification). */
export async function pickupCode(stand: CloudStand, parcelId: string): Promise<string> {
  let code: string | null = null;
  await until(async () => {
    const found = (await stand.notifications(`parcelId=${encodeURIComponent(parcelId)}`)).find(
      (n) => n.kind === 'pickup_code',
    );
    code = found?.code ?? null;
    return code !== null;
  }, `pickup code notification for ${parcelId}`);
  return code!;
}
