/**
 * The outbox relay: sends the audit log to the cloud from the first event it has not acked, in
 * seq order, as EventBatch messages of at most MAX_MESSAGE_BYTES, under a publish rate limit
 * and a cap on publishes the cloud has not yet acked. An event is delivered only when the
 * cloud's cumulative ack covers it; after a reconnect, a restart or a silent cloud the relay
 * starts again from there (the cloud dedupes by seq). A verified ack below the stored one is
 * the cloud's word that it lost events (a restore from backup): the relay goes back and
 * resends them, or raises an alarm when they are already pruned.
 */
import type { Logger } from 'pino';
import type { EventPayloads } from '../../shared/eventTypes';
import { MAX_MESSAGE_BYTES } from '../../shared/protocol/topics';
import { forgetReceiptsAbove, recordAckReceipt } from '../store/ackReceipts';
import type { Db } from '../store/database';
import {
  ackedAt,
  ackedSeq,
  chainHead,
  checkpoint,
  listEvents,
  setAckedAt,
  setAckedSeq,
} from '../store/events';
import type { VerifiedAck } from './ackCheck';
import { nextBatch } from './eventBatches';
import { TokenBucket } from './tokenBucket';

export type UnservableRewind = EventPayloads['cloud.rewind_unservable'];

const FIRST_RESEND_AFTER_CONNECT_MS = 3_000;

export interface OutboxRelayOptions {
  db: Db;
  log: Logger;
  /** Monotonic milliseconds, for the rate limit and resend timers. */
  now: () => number;
  /** Wall-clock epoch ms, for when an ack was received (pruning waits on it). */
  wallClock: () => number;
  /**
   * The cloud rewound below the checkpoint: called inside the ack's transaction, to append the
   * `cloud.rewind_unservable` event with it.
   */
  onUnservableRewind: (alarm: UnservableRewind) => void;
  /** Publishes one batch at QoS 1; rejects when the connection cannot take it. */
  publish: (json: string) => Promise<void>;
  publishesPerSecond: number;
  /** Publishes sent but not yet covered by a cloud ack (DESIGN §5: 100). */
  maxInFlight?: number;
  maxMessageBytes?: number;
  /** With publishes in flight and no ack progress for this long, send again from the ack. */
  resendAfterMs?: number;
}

export type AckOutcome =
  | 'advanced'
  /** Taken, and it moves nothing (the same seq again). */
  | 'stale'
  /** Older than the newest ack taken: a replay, refused. */
  | 'replayed'
  | 'beyond_sent'
  | 'rewound'
  | 'rewind_unservable';

const READ_AHEAD = 2000;

export class OutboxRelay {
  private connected = false;
  private nextSeq = 1;
  /** Highest seq published by this process (an ack beyond it cannot be genuine). */
  private lastSentSeq = 0;
  /** Last seq of each publish not yet covered by an ack, oldest first. */
  private inFlight: number[] = [];
  private readonly bucket: TokenBucket;
  private readonly maxInFlight: number;
  private readonly maxBytes: number;
  private readonly resendAfterMs: number;
  /**
   * How long to wait for an ack before sending again. Short right after (re)connecting, when a
   * broker that lost its sessions may have dropped what we sent before the cloud re-subscribed;
   * doubling to `resendAfterMs` while no ack comes, and back to it once acks flow.
   */
  private resendWindowMs: number;
  private pumping = false;
  private again = false;
  private rateTimer: NodeJS.Timeout | undefined;
  private resendTimer: NodeJS.Timeout | undefined;
  private buffer: ReturnType<typeof listEvents> = [];
  private publishes = 0;

  constructor(private readonly o: OutboxRelayOptions) {
    // A burst of a tenth of a second: any one-second window sees at most ~1.1× the rate.
    const rate = o.publishesPerSecond;
    this.bucket = new TokenBucket(rate, Math.max(1, Math.floor(rate / 10)), o.now);
    this.maxInFlight = o.maxInFlight ?? 100;
    this.maxBytes = o.maxMessageBytes ?? MAX_MESSAGE_BYTES;
    this.resendAfterMs = o.resendAfterMs ?? 30_000;
    this.resendWindowMs = this.resendAfterMs;
  }

  /** Events the cloud has not acked yet. */
  backlog(): number {
    return Math.max(0, (chainHead(this.o.db)?.seq ?? 0) - ackedSeq(this.o.db));
  }

  /** Publishes so far (status and tests). */
  get published(): number {
    return this.publishes;
  }

  /** The link is up: resend everything the cloud has not acked. */
  start(): void {
    this.connected = true;
    this.resendWindowMs = Math.min(FIRST_RESEND_AFTER_CONNECT_MS, this.resendAfterMs);
    this.rewind();
    this.wake();
  }

  stop(): void {
    this.connected = false;
    this.inFlight = [];
    this.buffer = [];
    clearTimeout(this.rateTimer);
    clearTimeout(this.resendTimer);
    this.rateTimer = undefined;
    this.resendTimer = undefined;
  }

  /** New events were appended (or a limit may have lifted): send what can be sent. */
  wake(): void {
    if (!this.connected) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        this.pump();
      } while (this.again && this.connected);
    } finally {
      this.pumping = false;
    }
  }

  /**
   * A verified cumulative ack from the cloud: everything up to `upToSeq` is durably stored
   * there. Higher than the stored ack: delivered. Lower: the cloud lost the rest, so send it
   * again. Older than the newest ack taken, or beyond what this process sent: ignored.
   */
  ack(ack: VerifiedAck): AckOutcome {
    const outcome = this.o.db.transaction(() => this.takeAck(ack))();
    if (outcome === 'replayed' || outcome === 'stale') return outcome;
    if (outcome === 'beyond_sent') {
      this.o.log.warn(
        { upToSeq: ack.upToSeq, lastSentSeq: this.lastSentSeq },
        'ack beyond the last sent seq ignored',
      );
      return outcome;
    }
    this.resendWindowMs = this.resendAfterMs;
    if (outcome === 'advanced') {
      this.inFlight = this.inFlight.filter((last) => last > ack.upToSeq);
      this.armResend();
    } else {
      this.rewind();
    }
    this.wake();
    return outcome;
  }

  /** The store's side of an ack, in one transaction. */
  private takeAck({ upToSeq, at }: VerifiedAck): AckOutcome {
    const { db } = this.o;
    const newest = ackedAt(db);
    if (newest !== null && at < newest) return 'replayed';
    const acked = ackedSeq(db);
    if (upToSeq > acked && upToSeq > this.lastSentSeq) return 'beyond_sent';
    setAckedAt(db, at);
    if (upToSeq === acked) return 'stale';
    setAckedSeq(db, upToSeq);
    if (upToSeq > acked) {
      recordAckReceipt(db, upToSeq, this.o.wallClock());
      return 'advanced';
    }
    forgetReceiptsAbove(db, upToSeq);
    const kept = checkpoint(db);
    if (kept && upToSeq < kept.seq) {
      this.o.onUnservableRewind({
        askedFromSeq: upToSeq + 1,
        oldestHeldSeq: kept.seq + 1,
        checkpointSeq: kept.seq,
        checkpointHash: kept.hash,
      });
      return 'rewind_unservable';
    }
    return 'rewound';
  }

  private rewind(): void {
    this.nextSeq = ackedSeq(this.o.db) + 1;
    this.inFlight = [];
    this.buffer = [];
    clearTimeout(this.resendTimer);
    this.resendTimer = undefined;
  }

  private pump(): void {
    while (this.connected && this.inFlight.length < this.maxInFlight) {
      const events = this.pending();
      if (events.length === 0) return;
      const wait = this.bucket.msUntilToken();
      if (wait > 0) {
        this.rateTimer ??= setTimeout(() => {
          this.rateTimer = undefined;
          this.wake();
        }, wait);
        return;
      }
      const batch = nextBatch(events, this.maxBytes)!;
      if (batch.bytes > this.maxBytes) {
        this.o.log.error(
          { seq: batch.firstSeq, bytes: batch.bytes },
          'event larger than a message',
        );
      }
      this.bucket.tryTake();
      this.buffer = events.slice(batch.count);
      this.nextSeq = batch.lastSeq + 1;
      this.lastSentSeq = Math.max(this.lastSentSeq, batch.lastSeq);
      this.inFlight.push(batch.lastSeq);
      this.publishes += 1;
      // The timer runs for the oldest unacked publish: later publishes must not push it back,
      // or a lost first batch would wait until the whole backlog had been sent.
      if (this.resendTimer === undefined) this.armResend();
      this.o.publish(batch.json).catch((e: unknown) => {
        // The connection went; the link restarts the relay from the ack when it is back.
        this.o.log.debug({ err: e, firstSeq: batch.firstSeq }, 'event batch not published');
      });
    }
  }

  /** Events from nextSeq on, read ahead from the store in large chunks. */
  private pending(): ReturnType<typeof listEvents> {
    if (this.buffer.length === 0 || this.buffer[0]!.seq !== this.nextSeq) {
      this.buffer = listEvents(this.o.db, this.nextSeq, READ_AHEAD);
    } else if (this.buffer.length < READ_AHEAD / 2) {
      const last = this.buffer.at(-1)!.seq;
      this.buffer = this.buffer.concat(listEvents(this.o.db, last + 1, READ_AHEAD));
    }
    return this.buffer;
  }

  private armResend(): void {
    clearTimeout(this.resendTimer);
    this.resendTimer = undefined;
    if (!this.connected || this.inFlight.length === 0) return;
    this.resendTimer = setTimeout(() => {
      this.resendTimer = undefined;
      this.o.log.warn(
        { ackedSeq: ackedSeq(this.o.db), inFlight: this.inFlight.length },
        'no ack from the cloud: sending again from the last ack',
      );
      this.resendWindowMs = Math.min(this.resendWindowMs * 2, this.resendAfterMs);
      this.rewind();
      this.wake();
    }, this.resendWindowMs);
  }
}
