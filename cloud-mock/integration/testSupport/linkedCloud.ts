/**
 * Test support: the real cloud-mock (startCloud, SQLite in a data dir) that a test can stop,
 * restore from a backup and start again on the same ports. Its broker is the embedded aedes
 * (down with the cloud) or Mosquitto set up from the cloud's data dir as
 * docs/deployment-cloud.md says (dynamic security, the cloud's account from
 * `broker-identity.json`), which stays up while the cloud is down, as a deployed broker does.
 * It signs with the kiosk fixture's cloud key, so a kiosk fixture verifies what the real cloud
 * sends.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { publicKeyToRaw } from '../../../src/shared/node/ed25519';
import type { BrokerTarget } from '../../../src/shared/node/testSupport/mosquittoClients';
import { Mosquitto } from '../../../src/shared/node/testSupport/mosquitto';
import { DEFAULT_TOPIC_PREFIX } from '../../../src/shared/protocol/topics';
import type { AuditResponse, LockerDetail } from '../../../src/shared/rest/schemas';
import { cloudKeys } from '../../../src/main/services/testSupport/kioskFixture';
import { loadOrCreateCloudIdentity } from '../../brokerAccess/cloudIdentity';
import { dynsecBootstrap } from '../../brokerAccess/dynsecRoles';
import { startCloud, type RunningCloud } from '../../cloud';
import { asAccount, cloudAccountIn } from '../../testSupport/brokerLogins';
import { mintKey } from '../../testSupport/cloudFixture';
import { LogCapture } from '../../testSupport/logCapture';

export type RestartableBroker = 'embedded' | 'mosquitto';

/** A cloud-mock that can go down and come back on the same data dir and ports. */
export class RestartableCloud {
  readonly logs = new LogCapture();
  private running: RunningCloud | null = null;
  private ports = { http: 0, mqtt: 0 };
  /** An operator key minted in the data dir at first start; a restored file keeps it. */
  private operatorKey: string | null = null;

  private constructor(
    readonly dataDir: string,
    /** The external broker, when there is one: it outlives the cloud's restarts. */
    private readonly mosquitto: Mosquitto | null,
  ) {}

  static async start(o: { broker?: RestartableBroker } = {}): Promise<RestartableCloud> {
    const dataDir = mkdtempSync(join(tmpdir(), 'cloud-restore-'));
    let mosquitto: Mosquitto | null = null;
    if (o.broker === 'mosquitto') {
      // The operator's recipe: the cloud's account from its data dir into Mosquitto's
      // starting dynamic-security file (the name startCloud gives itself for its key).
      const identity = loadOrCreateCloudIdentity(
        dataDir,
        `cloud-${publicKeyToRaw(cloudKeys.publicKey).slice(0, 16)}`,
        pino({ level: 'silent' }),
      );
      mosquitto = await Mosquitto.start({
        dynsec: dynsecBootstrap(identity, DEFAULT_TOPIC_PREFIX),
      });
    }
    const cloud = new RestartableCloud(dataDir, mosquitto);
    await cloud.up();
    return cloud;
  }

  get file(): string {
    return join(this.dataDir, 'cloud.sqlite');
  }

  get mqttUrl(): string {
    return this.mosquitto?.url ?? `mqtt://127.0.0.1:${this.ports.mqtt}`;
  }

  /**
   * The cloud's own broker account, as whoever read its data dir has it: a compromised broker
   * password, without the cloud's signing key.
   */
  asCloud(): BrokerTarget {
    return asAccount(this.mqttUrl, cloudAccountIn(this.dataDir));
  }

  get cloud(): RunningCloud {
    if (!this.running) throw new Error('the cloud is down');
    return this.running;
  }

  async up(): Promise<void> {
    if (this.running) return;
    // The wall clock: the time a restarted (or restored) cloud signs its acks with moves on.
    this.running = await startCloud({
      dataDir: this.dataDir,
      httpPort: this.ports.http,
      ...(this.mosquitto
        ? { brokerUrl: this.mosquitto.url, brokerAccounts: 'mosquitto-dynsec' as const }
        : { mqttPort: this.ports.mqtt }),
      signingKey: cloudKeys.privateKey,
      log: this.logs.logger,
      scheduler: false,
    });
    this.ports = {
      http: Number(new URL(this.running.httpUrl).port),
      mqtt: Number(new URL(this.running.mqttUrl).port),
    };
    this.operatorKey ??= mintKey(this.dataDir, 'operator');
  }

  async down(): Promise<void> {
    await this.running?.close();
    this.running = null;
  }

  async request<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
    const r = await this.cloud.http.inject({
      method,
      url,
      headers: {
        host: new URL(this.cloud.httpUrl).host,
        authorization: `Bearer ${this.operatorKey}`,
      },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    if (r.statusCode >= 300) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`);
    return r.json<T>();
  }

  audit(lockerId: string): Promise<AuditResponse> {
    return this.request('GET', `/api/v1/lockers/${lockerId}/audit`);
  }

  detail(lockerId: string): Promise<LockerDetail> {
    return this.request('GET', `/api/v1/lockers/${lockerId}`);
  }

  /** The seqs the cloud stored for a locker, in insertion order (one row per stored event). */
  storedSeqs(lockerId: string): number[] {
    return this.read((db) =>
      (
        db.prepare('SELECT seq FROM events WHERE locker_id = ? ORDER BY rowid').all(lockerId) as {
          seq: number;
        }[]
      ).map((r) => r.seq),
    );
  }

  /** What the cloud holds behind a gap for a locker. */
  pendingTypes(lockerId: string): { seq: number; type: string }[] {
    return this.read((db) =>
      (
        db
          .prepare('SELECT seq, event FROM pending_events WHERE locker_id = ? ORDER BY seq')
          .all(lockerId) as { seq: number; event: string }[]
      ).map((r) => ({ seq: r.seq, type: (JSON.parse(r.event) as { type: string }).type })),
    );
  }

  /** An online copy of cloud.sqlite (SQLite's backup API), as an operator's nightly backup. */
  async backup(to: string): Promise<void> {
    const db = new Database(this.file, { fileMustExist: true });
    try {
      await db.backup(to);
    } finally {
      db.close();
    }
  }

  /** Puts a backup back while the cloud is down (its WAL and shared memory go with the old file). */
  restore(from: string): void {
    if (this.running) throw new Error('stop the cloud before restoring its database');
    for (const suffix of ['-wal', '-shm']) rmSync(this.file + suffix, { force: true });
    copyFileSync(from, this.file);
  }

  async close(): Promise<void> {
    await this.down();
    await this.mosquitto?.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private read<T>(query: (db: Database.Database) => T): T {
    const db = new Database(this.file, { readonly: true, fileMustExist: true });
    try {
      return query(db);
    } finally {
      db.close();
    }
  }
}
