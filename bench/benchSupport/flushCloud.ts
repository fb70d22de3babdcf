/**
 * The cloud side of the flush benchmark: the real cloud-mock (startCloud on a temp data dir,
 * its SQLite file fsync'd) on an external Mosquitto, with one locker provisioned and enrolled
 * through the REST API under a given device identity, and what the cloud stored for it read
 * back from its own file.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import type { CompartmentSpec, ProvisionLockerResponse } from '../../src/shared/rest/schemas';
import { publicKeyToRaw } from '../../src/shared/node/ed25519';
import type { IdentityStore } from '../../src/main/identity/identityStore';
import { smallLockerConfig } from '../../src/main/services/testSupport/kioskFixture';
import { startCloud, type RunningCloud } from '../../cloud-mock/cloud';
import { mintKey } from '../../cloud-mock/testSupport/cloudFixture';

/** What the cloud stored for the locker: rows, distinct seqs, the highest, and its effects. */
export interface CloudCount {
  rows: number;
  distinct: number;
  maxSeq: number;
  /** Seqs missing below the highest stored one. */
  gaps: number;
  /** Parcels that got more than one pickup-code notification. */
  notifiedTwice: number;
  parcels: number;
}

export interface RestReply {
  status: number;
  body: unknown;
}

export interface FlushCloud {
  readonly running: RunningCloud;
  readonly lockerId: string;
  /** The cloud's public key (raw, base64url), for the kiosk's config. */
  readonly cloudPublicKey: string;
  /** Where its SQLite file (cloud.sqlite) lives. */
  readonly dataDir: string;
  /** A REST call as the operator: the status code and the parsed body. */
  call(method: 'GET' | 'POST', url: string, payload?: object): Promise<RestReply>;
  count(): CloudCount;
  close(): Promise<void>;
}

const compartments = (): CompartmentSpec[] =>
  smallLockerConfig().compartments.map(({ id, size, inner, maxWeightG, lowerDoor }) => ({
    id,
    size,
    inner,
    maxWeightG,
    lowerDoor,
  }));

/** A cloud-mock on `brokerUrl` with `lockerId` provisioned and enrolled with `identity`. */
export async function startFlushCloud(o: {
  brokerUrl: string;
  lockerId: string;
  identity: IdentityStore;
}): Promise<FlushCloud> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-flush-cloud-'));
  const signing = generateKeyPairSync('ed25519');
  const running = await startCloud({
    dataDir,
    brokerUrl: o.brokerUrl,
    // The bench's Mosquitto is open (no logins, no ACL checks): it measures the flush, and its
    // witness watches the locker's topics beside it; docs/performance.md says so.
    brokerAccounts: 'managed-elsewhere',
    signingKey: signing.privateKey,
    log: pino({ level: process.env['FLUSH_LOG'] ?? 'silent' }, pino.destination(2)),
    scheduler: false,
  });
  const operator = mintKey(dataDir, 'operator', 'flush bench');
  const host = new URL(running.httpUrl).host;
  const call = async (method: 'GET' | 'POST', url: string, payload?: object) => {
    const r = await running.http.inject({
      method,
      url,
      headers: { host, authorization: `Bearer ${operator}` },
      ...(payload ? { payload } : {}),
    });
    return { status: r.statusCode, body: r.body === '' ? null : (r.json() as unknown) };
  };
  const post = async <T>(url: string, payload: object): Promise<T> => {
    const r = await call('POST', url, payload);
    if (r.status >= 300) throw new Error(`POST ${url}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as T;
  };
  const { lockerId } = o;
  const provisioned = await post<ProvisionLockerResponse>('/api/v1/lockers', {
    id: lockerId,
    name: `Locker ${lockerId}`,
    address: 'Hauptstraße 1, Berlin',
    lat: 52.52,
    lng: 13.405,
    compartments: compartments(),
  });
  await post(`/api/v1/lockers/${lockerId}/enroll`, {
    token: provisioned.enrollmentToken,
    devicePublicKey: publicKeyToRaw(o.identity.deviceKey().publicKey),
    codeDigestKey: o.identity.codeDigestKey().toString('base64url'),
  });

  const count = (): CloudCount => {
    const db = new Database(join(dataDir, 'cloud.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const seqs = db
        .prepare(
          `SELECT count(*) AS rows, count(DISTINCT seq) AS distinct_, coalesce(max(seq), 0) AS maxSeq
           FROM events WHERE locker_id = ?`,
        )
        .get(lockerId) as { rows: number; distinct_: number; maxSeq: number };
      const twice = db
        .prepare(
          `SELECT count(*) AS n FROM (SELECT parcel_id FROM notifications
           WHERE locker_id = ? AND kind = 'pickup_code' GROUP BY parcel_id HAVING count(*) > 1)`,
        )
        .get(lockerId) as { n: number };
      const parcels = db
        .prepare('SELECT count(*) AS n FROM parcels WHERE locker_id = ?')
        .get(lockerId) as { n: number };
      return {
        rows: seqs.rows,
        distinct: seqs.distinct_,
        maxSeq: seqs.maxSeq,
        gaps: seqs.maxSeq - seqs.distinct_,
        notifiedTwice: twice.n,
        parcels: parcels.n,
      };
    } finally {
      db.close();
    }
  };

  return {
    running,
    lockerId,
    cloudPublicKey: publicKeyToRaw(signing.publicKey),
    dataDir,
    call,
    count,
    close: async () => {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
