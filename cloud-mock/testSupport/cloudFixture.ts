/**
 * Test support: a cloud on a temp data dir with a fake clock, a captured log and no scheduler
 * timer, an API key of each role, plus helpers to provision and enrol a locker through the REST
 * API (as the operator unless a test says who calls).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse as InjectResponse } from 'fastify';
import { codeDigest } from '../../src/shared/node/codeDigest';
import type {
  CompartmentSpec,
  EnrollResponse,
  Notification,
  ProvisionLockerResponse,
} from '../../src/shared/rest/schemas';
import { API_ROLES, type ApiRole } from '../../src/shared/rest/apiKeys';
import { startCloud, type CloudOptions, type RunningCloud } from '../cloud';
import { mintApiKey } from '../services/apiKeys';
import { openDatabase } from '../store/database';
import {
  DeviceChain,
  DeviceLink,
  deviceIdentity,
  type DeviceIdentity,
  type DeviceLogin,
} from './device';
import { LogCapture } from './logCapture';

export const T0 = Date.UTC(2025, 5, 2, 8, 0, 0);

export class FakeClock {
  constructor(public ms = T0) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Who makes a request: a key of that role, nobody (no key at all), or this exact key. */
export type Caller = ApiRole | 'anonymous' | { key: string };

export interface TestCloud extends RunningCloud {
  clock: FakeClock;
  logs: LogCapture;
  dataDir: string;
  /** A live API key of each role, minted in the cloud's store as `keys create` does. */
  keys: Record<ApiRole, string>;
  /** A JSON request as `as` (the operator by default), with the Host the cloud serves. */
  request<T = unknown>(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    body?: unknown,
    as?: Caller,
  ): Promise<{ status: number; body: T }>;
  /** `http.inject` with the served Host and `as`'s key (the operator by default). */
  inject(options: InjectOptions, as?: Caller): Promise<InjectResponse>;
}

/** Mints a key in the cloud's store through its own connection, as the CLI does. */
export function mintKey(dataDir: string, role: ApiRole, label = `test ${role}`): string {
  const db = openDatabase(join(dataDir, 'cloud.sqlite'));
  try {
    return mintApiKey(db, { role, label }, Date.now(), randomBytes).key;
  } finally {
    db.close();
  }
}

export async function startTestCloud(options: Partial<CloudOptions> = {}): Promise<TestCloud> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cloud-mock-test-'));
  const clock = new FakeClock();
  const logs = new LogCapture();
  let cloud: RunningCloud;
  try {
    cloud = await startCloud({ dataDir, clock, log: logs.logger, scheduler: false, ...options });
  } catch (e) {
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  const keys = Object.fromEntries(
    API_ROLES.map((role) => [role, mintKey(dataDir, role)]),
  ) as Record<ApiRole, string>;
  const host = new URL(cloud.httpUrl).host;
  const inject = (injected: InjectOptions, as: Caller = 'operator') => {
    const key = as === 'anonymous' ? null : typeof as === 'string' ? keys[as] : as.key;
    return cloud.http.inject({
      ...injected,
      headers: {
        host,
        ...(key === null ? {} : { authorization: `Bearer ${key}` }),
        ...injected.headers,
      },
    });
  };
  return {
    ...cloud,
    clock,
    logs,
    dataDir,
    keys,
    inject,
    request: async <T>(
      method: 'GET' | 'POST' | 'PUT',
      url: string,
      body?: unknown,
      as: Caller = 'operator',
    ) => {
      const response = await inject(
        { method, url, ...(body === undefined ? {} : { payload: body as object }) },
        as,
      );
      return { status: response.statusCode, body: response.json<T>() };
    },
    close: async () => {
      await cloud.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** S×2, M×2, L×1 with realistic inner dimensions (mm) and weight limits (g). */
export const LAYOUT: CompartmentSpec[] = [
  {
    id: 'A1',
    size: 'S',
    inner: { lengthMm: 400, widthMm: 350, heightMm: 90 },
    maxWeightG: 10_000,
    lowerDoor: false,
  },
  {
    id: 'A2',
    size: 'S',
    inner: { lengthMm: 400, widthMm: 350, heightMm: 90 },
    maxWeightG: 10_000,
    lowerDoor: false,
  },
  {
    id: 'B1',
    size: 'M',
    inner: { lengthMm: 400, widthMm: 350, heightMm: 190 },
    maxWeightG: 15_000,
    lowerDoor: false,
  },
  {
    id: 'B2',
    size: 'M',
    inner: { lengthMm: 400, widthMm: 350, heightMm: 190 },
    maxWeightG: 15_000,
    lowerDoor: true,
  },
  {
    id: 'C1',
    size: 'L',
    inner: { lengthMm: 600, widthMm: 400, heightMm: 390 },
    maxWeightG: 25_000,
    lowerDoor: true,
  },
];

export function lockerRequest(
  id: string,
  extra: Partial<{
    lat: number;
    lng: number;
    compartments: CompartmentSpec[];
    codeLength: number;
  }> = {},
) {
  return {
    id,
    name: `Locker ${id}`,
    address: 'Hauptstraße 1, Berlin',
    lat: extra.lat ?? 52.52,
    lng: extra.lng ?? 13.405,
    compartments: extra.compartments ?? LAYOUT,
    ...(extra.codeLength === undefined ? {} : { codeLength: extra.codeLength }),
  };
}

export interface EnrolledLocker extends DeviceIdentity {
  token: string;
  enrollment: EnrollResponse;
  /** The broker login this enrolment issued (DeviceLink.connect takes it). */
  login: DeviceLogin;
  digest(code: string): string;
}

export async function provisionAndEnroll(
  cloud: TestCloud,
  lockerId: string,
  extra: Parameters<typeof lockerRequest>[1] = {},
  seedByte = 7,
): Promise<EnrolledLocker> {
  const provisioned = await cloud.request<ProvisionLockerResponse>(
    'POST',
    '/api/v1/lockers',
    lockerRequest(lockerId, extra),
  );
  if (provisioned.status !== 201) throw new Error(`provision: ${JSON.stringify(provisioned.body)}`);
  const identity = deviceIdentity(lockerId, seedByte);
  const enrolled = await cloud.request<EnrollResponse>(
    'POST',
    `/api/v1/lockers/${lockerId}/enroll`,
    {
      token: provisioned.body.enrollmentToken,
      devicePublicKey: identity.devicePublicKey,
      codeDigestKey: identity.codeDigestKey.toString('base64url'),
    },
  );
  if (enrolled.status !== 200) throw new Error(`enroll: ${JSON.stringify(enrolled.body)}`);
  return {
    ...identity,
    token: provisioned.body.enrollmentToken,
    enrollment: enrolled.body,
    login: loginOf(lockerId, enrolled.body),
    digest: (code) => codeDigest(identity.codeDigestKey, code),
  };
}

/** The broker login an enrolment answer carries. */
export function loginOf(lockerId: string, enrollment: EnrollResponse): DeviceLogin {
  const { username, password } = enrollment.mqtt;
  return {
    lockerId,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  };
}

export function allocationRequest(
  lockerId: string,
  parcelId: string,
  extra: Record<string, unknown> = {},
) {
  return {
    lockerId,
    parcelId,
    trackingBarcode: `TRK${parcelId}`,
    dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 },
    weightG: 1200,
    customer: { name: 'Ada Lovelace', phone: '+49 30 1234567', email: 'ada@example.org' },
    accessible: false,
    ...extra,
  };
}

/** A provisioned, enrolled locker that speaks MQTT as a unit would: its chain and its link. */
export async function enrolledUnit(cloud: TestCloud, id: string, seed: number) {
  const locker = await provisionAndEnroll(cloud, id, {}, seed);
  return {
    locker,
    chain: new DeviceChain(id, locker.key, cloud.clock),
    link: await DeviceLink.connect(cloud.mqttUrl, locker.login, {
      cloudPublicKey: cloud.cloudPublicKey,
    }),
  };
}

/** The notification inbox (`query`: a query string such as `parcelId=…`). */
export async function inbox(cloud: TestCloud, query: string): Promise<Notification[]> {
  const r = await cloud.request<{ notifications: Notification[] }>(
    'GET',
    `/api/v1/notifications?${query}`,
  );
  return r.body.notifications;
}
