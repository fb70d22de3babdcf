/**
 * The kiosk's MQTT link to its cloud (DESIGN §5): a persistent session under the locker's id,
 * retained presence with an `offline` last will, the retained compartment snapshot, the outbox
 * relay, cloud acks and signed commands. Reconnects with capped, jittered backoff, and stops
 * fighting when another client keeps taking its session over.
 */
import type { KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import type { IPublishPacket, MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Presence } from '../../shared/protocol/messages';
import { lockerTopics, MAX_MESSAGE_BYTES, type LockerTopics } from '../../shared/protocol/topics';
import type { PolicyConfig } from '../config/kioskConfig';
import type { Clock } from '../services/context';
import type { KioskCore } from '../services/kioskCore';
import type { Db } from '../store/database';
import { ackedSeq } from '../store/events';
import { checkAck } from './ackCheck';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { CommandHandler } from './commandHandler';
import { classifyConnectError } from './connectError';
import {
  StatusBoard,
  type CloudConnectionState,
  type CloudErrorCode,
  type CloudLinkStatus,
  type StatusListener,
} from './linkStatus';
import { OutboxRelay } from './outboxRelay';
import { PublishLimit } from './publishLimit';
import { buildStateSnapshot, snapshotContent } from './stateSnapshot';
import { noDelay } from '../../shared/node/mqttNoDelay';
import { settleMqttLengthCache } from '../../shared/node/mqttLengthCache';

export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface LinkTuning {
  backoff: BackoffPolicy;
  connectTimeoutMs: number;
  keepaliveSec: number;
  /** A session the broker ends sooner than this after connect counts as kicked. */
  shortSessionMs: number;
  /** Kicked sessions in a row that mean another client holds our id. */
  duplicateAfter: number;
  /** The wait before trying again once a duplicate client id is suspected. */
  duplicateBackoffMs: number;
  snapshotDebounceMs: number;
  resendAfterMs: number;
  maxInFlight: number;
  /** Largest events message; capped at MAX_MESSAGE_BYTES (smaller only to test batching). */
  maxMessageBytes: number;
  commandWindowMs: number;
  skewThresholdMs: number;
}

export const DEFAULT_TUNING: LinkTuning = {
  backoff: DEFAULT_BACKOFF,
  connectTimeoutMs: 10_000,
  keepaliveSec: 30,
  shortSessionMs: 10_000,
  duplicateAfter: 3,
  duplicateBackoffMs: 300_000,
  snapshotDebounceMs: 250,
  resendAfterMs: 30_000,
  maxInFlight: 100,
  maxMessageBytes: MAX_MESSAGE_BYTES,
  commandWindowMs: 86_400_000,
  skewThresholdMs: 300_000,
};

/** The unit's broker identity: username (the locker id, when enrolment issued it) and password. */
export interface BrokerLogin {
  username: string;
  password: string;
}

export interface CloudLinkOptions {
  lockerId: string;
  brokerUrl: string;
  topicPrefix: string;
  tls?: TlsMaterial;
  credentials?: BrokerLogin;
  db: Db;
  core: KioskCore;
  /** The policy object KioskCore reads (config.policy); config.update changes it in place. */
  policy: PolicyConfig;
  cloudPublicKey: KeyObject;
  log: Logger;
  /** Wall clock for message times and command windows. */
  clock: Clock;
  publishesPerSecond: number;
  softwareVersion?: string;
  /** MQTT 3.1.1 (default: aedes, Mosquitto, AWS IoT) or 5 (session takeover reason codes). */
  protocolVersion?: 4 | 5;
  random?: () => number;
  /** Monotonic milliseconds for backoff, rate limits and session lengths. */
  monotonic?: () => number;
  tuning?: Partial<LinkTuning>;
}

interface Session {
  client: MqttClient;
  connectedAt: number | null;
  takenOver: boolean;
  /** Our keep-alive went unanswered: the link died, we ended the session ourselves. */
  linkDied: boolean;
  /** The broker still held our persistent session when it accepted us (CONNACK). */
  resumed: boolean;
  closed: boolean;
}

const SESSION_TAKEN_OVER = 0x8e;

/**
 * Whether a short session looks taken over by another client with our id: the broker still held
 * our session when it took us in (a restarted broker without persistence has forgotten it), and
 * we did not end it ourselves for want of an answer to our keep-alive.
 */
const suspect = (session: Session): boolean => session.resumed && !session.linkDied;

export class CloudLink {
  private readonly topics: LockerTopics;
  private readonly tuning: LinkTuning;
  private readonly relay: OutboxRelay;
  /** Every publish of the unit counts against it, as the broker counts them (not the will). */
  private readonly limit: PublishLimit;
  private readonly commands: CommandHandler;
  private readonly board: StatusBoard;
  private readonly monotonic: () => number;
  private readonly random: () => number;
  private session: Session | null = null;
  private connection: CloudConnectionState = 'offline';
  private lastError: CloudLinkStatus['lastError'] = null;
  private attempt = 0;
  private kickedInARow = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private stableTimer: NodeJS.Timeout | undefined;
  private snapshotTimer: NodeJS.Timeout | undefined;
  private nextAttemptAt: number | null = null;
  private lastSnapshot: string | null = null;
  /** A snapshot waits for a slot in the publish limit (forced: send it even if unchanged). */
  private snapshotWaiting = false;
  private snapshotForced = false;
  private clockSkewMs: number | null = null;
  private closing = false;
  private readonly unsubscribeAudit: () => void;
  /** Connection attempts and established sessions so far (diagnostics, tests). */
  readonly counters = { attempts: 0, sessions: 0 };

  private constructor(private readonly o: CloudLinkOptions) {
    // Before the first packet: mqtt-packet's cache of lengths would otherwise pin pool blocks.
    settleMqttLengthCache();
    this.topics = lockerTopics(o.topicPrefix, o.lockerId);
    this.tuning = { ...DEFAULT_TUNING, ...o.tuning };
    this.monotonic = o.monotonic ?? (() => performance.now());
    this.random = o.random ?? Math.random;
    this.board = new StatusBoard(() => this.status());
    this.limit = new PublishLimit(o.publishesPerSecond, this.monotonic);
    this.relay = new OutboxRelay({
      db: o.db,
      log: o.log,
      now: this.monotonic,
      wallClock: () => o.clock.now(),
      onUnservableRewind: (alarm) => o.core.audit.append('cloud.rewind_unservable', alarm),
      publish: (json) => this.publish(this.topics.events, json, false),
      publishesPerSecond: o.publishesPerSecond,
      limit: this.limit,
      maxInFlight: this.tuning.maxInFlight,
      maxMessageBytes: Math.min(MAX_MESSAGE_BYTES, this.tuning.maxMessageBytes),
      resendAfterMs: this.tuning.resendAfterMs,
    });
    this.commands = new CommandHandler({
      db: o.db,
      core: o.core,
      lockerId: o.lockerId,
      cloudKey: o.cloudPublicKey,
      policy: o.policy,
      clock: o.clock,
      log: o.log,
      publishSnapshot: () => this.publishSnapshot(true),
      onSkew: (skewMs) => {
        this.clockSkewMs = skewMs;
        this.board.changed();
      },
      futureSkewMs: this.tuning.commandWindowMs,
      skewThresholdMs: this.tuning.skewThresholdMs,
    });
    this.unsubscribeAudit = o.core.audit.onAppend(() => {
      this.relay.wake();
      this.scheduleSnapshot();
      this.board.changed();
    });
  }

  /** Builds the link and starts connecting; it keeps trying until close(). */
  static start(options: CloudLinkOptions): CloudLink {
    const link = new CloudLink(options);
    link.connect();
    return link;
  }

  status(): CloudLinkStatus {
    return {
      connection: this.connection,
      lastError: this.lastError,
      backlog: this.relay.backlog(),
      ackedSeq: ackedSeq(this.o.db),
      clockSkewMs: this.clockSkewMs,
      clockSkewed:
        this.clockSkewMs !== null && Math.abs(this.clockSkewMs) > this.tuning.skewThresholdMs,
      nextAttemptAt:
        this.nextAttemptAt === null
          ? null
          : new Date(this.o.clock.now() + (this.nextAttemptAt - this.monotonic())).toISOString(),
    };
  }

  onStatus(listener: StatusListener): () => void {
    return this.board.subscribe(listener);
  }

  /** Event batches published so far (diagnostics, tests). */
  get publishedBatches(): number {
    return this.relay.published;
  }

  /** Waits until every command received so far has been handled (tests, shutdown). */
  async commandsIdle(): Promise<void> {
    await this.commands.idle();
  }

  /** Says `offline` on the presence topic, then disconnects; no reconnect after this. */
  async close(): Promise<void> {
    this.closing = true;
    this.unsubscribeAudit();
    clearTimeout(this.retryTimer);
    clearTimeout(this.stableTimer);
    clearTimeout(this.snapshotTimer);
    this.relay.stop();
    await this.commands.idle();
    const session = this.session;
    this.session = null;
    if (!session) return this.limit.dropWaiting(new Error('link closed'));
    if (session.client.connected) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.limit
          .takeFirst()
          .then(() =>
            session.client.publishAsync(this.topics.presence, this.presence('offline'), {
              qos: 1,
              retain: true,
            }),
          )
          .catch(() => {}),
        new Promise((resolve) => (timer = setTimeout(resolve, 2000))),
      ]);
      clearTimeout(timer);
    }
    this.limit.dropWaiting(new Error('link closed'));
    await session.client.endAsync(!session.client.connected).catch(() => {});
    this.setConnection('offline');
  }

  private connect(): void {
    if (this.closing) return;
    this.nextAttemptAt = null;
    this.counters.attempts += 1;
    this.setConnection('connecting');
    const { tls, credentials } = this.o;
    const client = mqtt.connect(this.o.brokerUrl, {
      clientId: this.o.lockerId,
      ...(credentials ? { username: credentials.username, password: credentials.password } : {}),
      clean: false,
      reconnectPeriod: 0, // this class decides when to retry
      connectTimeout: this.tuning.connectTimeoutMs,
      keepalive: this.tuning.keepaliveSec,
      protocolVersion: this.o.protocolVersion ?? 4,
      resubscribe: false,
      will: {
        topic: this.topics.presence,
        payload: Buffer.from(JSON.stringify({ v: 1, status: 'offline' } satisfies Presence)),
        qos: 1,
        retain: true,
      },
      ...(tls?.ca ? { ca: tls.ca } : {}),
      ...(tls?.cert ? { cert: tls.cert } : {}),
      ...(tls?.key ? { key: tls.key } : {}),
      rejectUnauthorized: true,
    });
    const session: Session = {
      client,
      connectedAt: null,
      takenOver: false,
      linkDied: false,
      resumed: false,
      closed: false,
    };
    this.session = session;
    // Acknowledge a message only once it has been handled durably. Each in a turn of its own:
    // the client takes the next message of a read at once, and a door must not wait for a
    // burst of commands (each with its own fsync'd transaction).
    client.handleMessage = (packet, done) => {
      setImmediate(() => {
        this.onMessage(packet).then(
          () => done(),
          (e: unknown) => {
            this.o.log.error({ err: e, topic: packet.topic }, 'message handling failed');
            done();
          },
        );
      });
    };
    client.on('connect', (connack) => {
      session.resumed = connack.sessionPresent;
      this.onConnect(session);
    });
    client.on('error', (e) => {
      if (e.message === 'Keepalive timeout') session.linkDied = true;
      const refused = classifyConnectError(e as Error & { code?: string | number });
      const code = this.connection === 'online' ? 'connection_lost' : 'connect_failed';
      this.setError(refused?.code ?? code, refused?.message ?? e.message);
    });
    client.on('disconnect', (packet) => {
      if (packet.reasonCode === SESSION_TAKEN_OVER) session.takenOver = true;
    });
    client.on('close', () => this.onClose(session));
  }

  private onConnect(session: Session): void {
    if (session !== this.session || session.closed) return;
    session.connectedAt = this.monotonic();
    this.counters.sessions += 1;
    const { client } = session;
    noDelay(client);
    client.subscribe(
      { [this.topics.acks]: { qos: 1 }, [this.topics.commands]: { qos: 1 } },
      (error) => {
        if (session !== this.session || session.closed) return;
        if (error) {
          this.setError('connect_failed', `subscribe failed: ${error.message}`);
          client.end(true);
          return;
        }
        this.o.log.info({ broker: this.o.brokerUrl }, 'cloud link online');
        this.setConnection('online');
        // The first free slot, ahead of the snapshot and the backlog: what operators see.
        this.publishFirst(this.topics.presence, this.presence('online'), true).catch(() => {});
        this.publishSnapshot(true);
        this.relay.start();
      },
    );
    clearTimeout(this.stableTimer);
    this.stableTimer = setTimeout(() => {
      // The session held: whatever went wrong before is over.
      this.attempt = 0;
      this.kickedInARow = 0;
      if (this.lastError?.code === 'duplicate_client_id') this.lastError = null;
      this.board.changed();
    }, this.tuning.shortSessionMs);
  }

  private onClose(session: Session): void {
    if (session.closed) return;
    session.closed = true;
    session.client.end(true);
    if (session !== this.session) return;
    clearTimeout(this.stableTimer);
    this.relay.stop();
    // Presence and snapshots still waiting were for this connection; the next sends its own.
    this.limit.dropWaiting(new Error('not connected'));
    if (this.closing) return;
    const lasted = session.connectedAt === null ? null : this.monotonic() - session.connectedAt;
    if (session.takenOver) this.kickedInARow = this.tuning.duplicateAfter;
    else if (lasted !== null && lasted < this.tuning.shortSessionMs && suspect(session))
      this.kickedInARow += 1;
    // A session that held, a connect that failed, a link whose keep-alive went unanswered, or a
    // broker that had forgotten our session: a broker or network that is not there explains the
    // short sessions before it; another client holding our id never stops us connecting, never
    // leaves our pings unanswered, and leaves our session with the broker. (Found by the broker
    // and cut-link drills: quick restarts or dead links meant a 2.5-5 min wait.)
    else this.kickedInARow = 0;

    let delay: number;
    if (this.kickedInARow >= this.tuning.duplicateAfter) {
      const wait = this.tuning.duplicateBackoffMs;
      delay = Math.round(wait / 2 + (this.random() * wait) / 2);
      this.setError(
        'duplicate_client_id',
        `the broker ended ${this.kickedInARow} sessions in a row right after connect: another ` +
          `client is probably using client id ${this.o.lockerId}; next attempt in ${Math.round(delay / 1000)} s`,
      );
      this.o.log.error({ clientId: this.o.lockerId, delay }, 'duplicate client id suspected');
    } else {
      delay = backoffDelay(this.attempt, this.tuning.backoff, this.random);
      this.attempt += 1;
      if (lasted !== null) this.setError('connection_lost', 'the connection to the broker closed');
    }
    this.nextAttemptAt = this.monotonic() + delay;
    this.setConnection('offline');
    this.o.log.info({ delay, attempt: this.attempt }, 'cloud link offline; retrying');
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private async onMessage(packet: IPublishPacket): Promise<void> {
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    if (packet.topic === this.topics.commands) {
      await this.commands.receive(payload);
      return;
    }
    if (packet.topic === this.topics.acks) {
      this.onAck(payload);
      return;
    }
    this.o.log.warn({ topic: packet.topic }, 'message on an unexpected topic ignored');
  }

  /** Only acks the cloud signed for this locker, newer than the last one taken, count. */
  private onAck(payload: Buffer): void {
    const checked = checkAck(payload, {
      lockerId: this.o.lockerId,
      cloudKey: this.o.cloudPublicKey,
    });
    if (!checked.ok) {
      this.o.log.warn({ reason: checked.reason, detail: checked.detail }, 'ack refused');
      return;
    }
    const { upToSeq } = checked.ack;
    const outcome = this.relay.ack(checked.ack);
    switch (outcome) {
      case 'advanced':
        this.board.changed();
        return;
      case 'replayed':
        this.o.log.warn(
          { reason: 'replayed', detail: 'older than the newest ack taken', upToSeq },
          'ack refused',
        );
        return;
      case 'rewound':
        this.o.log.warn({ upToSeq }, 'the cloud rewound its ack: resending from there');
        this.board.changed();
        return;
      case 'rewind_unservable':
        this.o.log.error(
          { upToSeq },
          'the cloud rewound its ack below pruned events: sending what is held, alarm raised',
        );
        this.board.changed();
        return;
      default:
        this.o.log.debug({ upToSeq, outcome }, 'ack ignored');
    }
  }

  private scheduleSnapshot(): void {
    if (this.snapshotTimer) return;
    this.snapshotTimer = setTimeout(() => {
      this.snapshotTimer = undefined;
      this.publishSnapshot(false);
    }, this.tuning.snapshotDebounceMs);
  }

  /**
   * Publishes the retained snapshot; unless forced, only when the compartments changed. One at
   * most waits for a slot in the publish limit, and it sends the state as it is when it goes.
   */
  private publishSnapshot(force: boolean): void {
    if (this.connection !== 'online') return;
    this.snapshotForced ||= force;
    if (this.snapshotWaiting) return;
    if (!this.snapshotForced && this.buildSnapshot().content === this.lastSnapshot) return;
    this.snapshotWaiting = true;
    this.limit.takeFirst().then(
      () => {
        this.snapshotWaiting = false;
        const forced = this.snapshotForced;
        this.snapshotForced = false;
        this.sendSnapshot(forced);
      },
      () => {
        this.snapshotWaiting = false;
        this.snapshotForced = false;
      },
    );
  }

  private buildSnapshot() {
    const snapshot = buildStateSnapshot(this.o.db, this.o.lockerId, this.o.clock.now());
    return { snapshot, content: snapshotContent(snapshot) };
  }

  /** Sends the snapshot in the slot taken for it (unchanged and not forced: the slot is unused). */
  private sendSnapshot(force: boolean): void {
    const { snapshot, content } = this.buildSnapshot();
    if (!force && content === this.lastSnapshot) return;
    this.lastSnapshot = content;
    // Signed with the device key, so nobody else's retained snapshot can pass for ours.
    const signed = this.o.core.audit.signMessage(snapshot);
    this.publish(this.topics.state, JSON.stringify(signed), true).catch((e: unknown) => {
      this.lastSnapshot = null; // try again on the next change or connect
      this.o.log.debug({ err: e }, 'state snapshot not published');
    });
  }

  private presence(status: 'online' | 'offline'): string {
    const p: Presence = { v: 1, status, at: new Date(this.o.clock.now()).toISOString() };
    if (this.o.softwareVersion) p.softwareVersion = this.o.softwareVersion;
    return JSON.stringify(p);
  }

  /** A publish of the link's own (presence, snapshot) in the publish limit's first lane. */
  private async publishFirst(topic: string, payload: string, retain: boolean): Promise<void> {
    await this.limit.takeFirst();
    await this.publish(topic, payload, retain);
  }

  /** Sends now; the caller has taken its slot in the publish limit. */
  private async publish(topic: string, payload: string, retain: boolean): Promise<void> {
    const client = this.session?.client;
    if (!client?.connected) throw new Error('not connected');
    await client.publishAsync(topic, payload, { qos: 1, retain });
  }

  private setConnection(state: CloudConnectionState): void {
    if (this.connection === state) return;
    this.connection = state;
    this.board.changed();
  }

  private setError(code: CloudErrorCode, message: string): void {
    this.lastError = { code, message, at: new Date(this.o.clock.now()).toISOString() };
    this.board.changed();
  }
}
