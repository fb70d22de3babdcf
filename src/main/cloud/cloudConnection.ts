/**
 * What the composition root starts: enrolment when the kiosk has no cloud key yet, then the
 * CloudLink with the broker, topic prefix, key, broker identity and TLS material from the stored
 * enrolment or the config. Never blocks the locker: deposits and pickups go on while this waits
 * or retries.
 */
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { publicKeyFromRaw } from '../../shared/node/ed25519';
import type { KioskConfig } from '../config/kioskConfig';
import type { IdentityStore } from '../identity/identityStore';
import type { Clock } from '../services/context';
import type { KioskCore } from '../services/kioskCore';
import type { Db } from '../store/database';
import { ackedSeq, chainHead } from '../store/events';
import { DEFAULT_BACKOFF } from './backoff';
import { CloudLink, type BrokerLogin, type LinkTuning, type TlsMaterial } from './cloudLink';
import {
  describeEnrollmentError,
  enrollWithRetry,
  readEnrollment,
  type Enrollment,
} from './enrollment';
import {
  StatusBoard,
  type CloudErrorCode,
  type CloudLinkStatus,
  type StatusListener,
} from './linkStatus';

export interface CloudConnectionDeps {
  config: KioskConfig;
  core: KioskCore;
  db: Db;
  identity: IdentityStore;
  log: Logger;
  clock?: Clock;
  softwareVersion?: string;
  /** The URL to use when config.cloud.brokerUrl is "embedded" (cloud-mock's broker). */
  embeddedBrokerUrl?: string;
  fetch?: typeof fetch;
  tuning?: Partial<LinkTuning>;
}

export interface CloudConnection {
  status(): CloudLinkStatus;
  onStatus(listener: StatusListener): () => void;
  close(): Promise<void>;
}

/**
 * The cloud's public key for KioskCore.start (badges and commands): the config's, else the one
 * stored at enrolment, else null (badges are refused until the kiosk is enrolled and restarted).
 */
export function cloudPublicKeyFor(config: KioskConfig): KeyObject | null {
  const raw = config.cloud.publicKey ?? readEnrollment(config.dataDir)?.cloudPublicKey;
  return raw ? publicKeyFromRaw(raw) : null;
}

export function startCloudConnection(deps: CloudConnectionDeps): CloudConnection {
  return new Connection(deps);
}

class Connection implements CloudConnection {
  private link: CloudLink | null = null;
  private lastError: CloudLinkStatus['lastError'] = null;
  private readonly board = new StatusBoard(() => this.status());
  private readonly abort = new AbortController();
  private readonly clock: Clock;

  constructor(private readonly d: CloudConnectionDeps) {
    this.clock = d.clock ?? { now: () => Date.now() };
    const { cloud, dataDir, lockerId } = d.config;
    let stored: Enrollment | null = null;
    try {
      stored = readEnrollment(dataDir);
    } catch (e) {
      this.fail('enrolment_failed', (e as Error).message);
      return;
    }
    if (stored || cloud.publicKey) {
      this.startLink(stored);
    } else if (cloud.enrollmentToken && cloud.apiUrl) {
      enrollWithRetry({
        apiUrl: cloud.apiUrl,
        lockerId,
        token: cloud.enrollmentToken,
        identity: d.identity,
        dataDir,
        log: d.log,
        now: this.clock.now,
        backoff: { ...DEFAULT_BACKOFF, maxMs: 300_000 },
        signal: this.abort.signal,
        onError: (e) => this.fail('enrolment_failed', describeEnrollmentError(e)),
        ...(d.fetch ? { fetch: d.fetch } : {}),
      }).then(
        (enrollment) => {
          this.lastError = null;
          this.startLink(enrollment);
        },
        (e: unknown) => {
          if (!this.abort.signal.aborted) this.fail('enrolment_failed', (e as Error).message);
        },
      );
    } else {
      this.fail(
        'not_enrolled',
        'no cloud public key: set cloud.publicKey, or cloud.enrollmentToken and cloud.apiUrl',
      );
    }
  }

  status(): CloudLinkStatus {
    if (this.link) return this.link.status();
    const acked = ackedSeq(this.d.db);
    return {
      connection: 'offline',
      lastError: this.lastError,
      backlog: Math.max(0, (chainHead(this.d.db)?.seq ?? 0) - acked),
      ackedSeq: acked,
      clockSkewMs: null,
      clockSkewed: false,
      nextAttemptAt: null,
    };
  }

  onStatus(listener: StatusListener): () => void {
    return this.board.subscribe(listener);
  }

  async close(): Promise<void> {
    this.abort.abort(new Error('cloud connection closed'));
    await this.link?.close();
  }

  private startLink(enrollment: Enrollment | null): void {
    if (this.abort.signal.aborted) return;
    const { config, log } = this.d;
    const { cloud } = config;
    const brokerUrl =
      enrollment?.mqtt.url ??
      (cloud.brokerUrl === 'embedded' ? this.d.embeddedBrokerUrl : cloud.brokerUrl);
    if (!brokerUrl) {
      this.fail(
        'connect_failed',
        'cloud.brokerUrl is "embedded" but no embedded broker URL was given',
      );
      return;
    }
    const key = cloud.publicKey ?? enrollment?.cloudPublicKey;
    if (!key) return; // unreachable: startLink runs with one of the two
    let tls: TlsMaterial | undefined;
    try {
      tls = readTls(cloud.tls);
    } catch (e) {
      this.fail('tls_config', (e as Error).message);
      return;
    }
    let credentials: BrokerLogin | undefined;
    try {
      credentials = brokerLogin(enrollment, cloud);
    } catch (e) {
      this.fail('credentials_config', (e as Error).message);
      return;
    }
    this.link = CloudLink.start({
      lockerId: config.lockerId,
      brokerUrl,
      topicPrefix: enrollment?.mqtt.topicPrefix ?? cloud.topicPrefix,
      ...(tls ? { tls } : {}),
      ...(credentials ? { credentials } : {}),
      db: this.d.db,
      core: this.d.core,
      policy: config.policy,
      cloudPublicKey: publicKeyFromRaw(key),
      log,
      clock: this.clock,
      publishesPerSecond: cloud.publishesPerSecond,
      ...(this.d.softwareVersion ? { softwareVersion: this.d.softwareVersion } : {}),
      ...(this.d.tuning ? { tuning: this.d.tuning } : {}),
    });
    this.link.onStatus(() => this.board.changed());
    this.board.changed();
  }

  private fail(code: CloudErrorCode, message: string): void {
    this.lastError = { code, message, at: new Date(this.clock.now()).toISOString() };
    this.d.log.warn({ code }, message);
    this.board.changed();
  }
}

/**
 * The broker identity: the one enrolment issued, else the config's username and password file
 * (a unit set up by hand), else none (a broker that identifies units by certificate).
 */
function brokerLogin(
  enrollment: Enrollment | null,
  cloud: KioskConfig['cloud'],
): BrokerLogin | undefined {
  const issued = enrollment?.mqtt;
  if (issued?.username !== undefined && issued.password !== undefined)
    return { username: issued.username, password: issued.password };
  if (cloud.brokerUsername === undefined || cloud.brokerPasswordFile === undefined)
    return undefined;
  let password: string;
  try {
    password = readFileSync(cloud.brokerPasswordFile, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    throw new Error(
      `cloud.brokerPasswordFile: cannot read ${cloud.brokerPasswordFile} (${(e as NodeJS.ErrnoException).code})`,
    );
  }
  if (password.length === 0)
    throw new Error(`cloud.brokerPasswordFile: ${cloud.brokerPasswordFile} is empty`);
  return { username: cloud.brokerUsername, password };
}

function readTls(tls: KioskConfig['cloud']['tls']): TlsMaterial | undefined {
  if (!tls) return undefined;
  const read = (what: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new Error(
        `cloud.tls.${what}: cannot read ${file} (${(e as NodeJS.ErrnoException).code})`,
      );
    }
  };
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    throw new Error('cloud.tls: certFile and keyFile go together (client certificate and its key)');
  }
  return {
    ca: read('caFile', tls.caFile),
    ...(tls.certFile ? { cert: read('certFile', tls.certFile) } : {}),
    ...(tls.keyFile ? { key: read('keyFile', tls.keyFile) } : {}),
  };
}
