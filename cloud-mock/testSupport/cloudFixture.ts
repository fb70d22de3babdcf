/**
 * Test support: a cloud on a temp data dir with a fake clock, a captured log and no scheduler
 * timer, plus helpers to provision and enrol a locker through the REST API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeDigest } from '../../src/shared/node/codeDigest';
import type {
  CompartmentSpec,
  EnrollResponse,
  Notification,
  ProvisionLockerResponse,
} from '../../src/shared/rest/schemas';
import { startCloud, type CloudOptions, type RunningCloud } from '../cloud';
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

export interface TestCloud extends RunningCloud {
  clock: FakeClock;
  logs: LogCapture;
  dataDir: string;
  request<T = unknown>(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
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
  return {
    ...cloud,
    clock,
    logs,
    dataDir,
    request: async <T>(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) => {
      const response = await cloud.http.inject({
        method,
        url,
        ...(body === undefined ? {} : { payload: body as object }),
      });
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
    link: await DeviceLink.connect(cloud.mqttUrl, locker.login),
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
