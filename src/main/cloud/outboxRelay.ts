/**
 * The outbox relay: sends the audit log to the cloud from the first event it has not acked, in
 * seq order, as EventBatch messages of at most MAX_MESSAGE_BYTES, one per turn of the event
 * loop, under a publish limit and a cap on publishes the cloud has not yet acked. An event is
 * delivered only when the cloud's cumulative ack covers it; after a reconnect or a restart the
 * relay starts again from there (the cloud dedupes by seq). Acks that are merely slow send
 * nothing again: a stall (no progress for a window fitted to the measured ack round trip, or
 * the cloud acking without moving) sends the first unacked batch again as a probe, and only a
 * probe answered with nothing after it sends everything again. A verified ack below the stored
 * one is the cloud's word that it lost events (a restore from backup): the relay goes back and
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
import { PublishLimit } from './publishLimit';

export type UnservableRewind = EventPayloads['cloud.rewind_unservable'];

/** The wait for a first ack on a connection the cloud has not answered yet. */
const FIRST_RESEND_AFTER_CONNECT_MS = 3_000;
/** The shortest stall window, however quick the acks have been. */
const MIN_RESEND_WINDOW_MS = 1_000;
/** Acks that move nothing, since the last that did, that mean a gap at the cloud. */
const STALE_ACKS_FOR_A_GAP = 2;
const READ_AHEAD = 1000;

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
  /** At most this many publishes in any one second. */
  publishesPerSecond: number;
  /** The limit shared with the unit's other publishes (default: one of the relay's own). */
  limit?: PublishLimit;
  /** Publishes sent but not yet covered by a cloud ack (DESIGN §5: 100). */
  maxInFlight?: number;
  maxMessageBytes?: number;
  /** The longest the relay waits for ack progress before it probes (and the window's cap). */
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

/** One publish the cloud has not acked yet. */
interface InFlight {
  lastSeq: number;
  /** now() when it went out. */
  at: number;
  /** Cut by the size limit: more was waiting. Small ones go one at a time (see pump). */
  full: boolean;
}

export class OutboxRelay {
  private connected = false;
  private nextSeq = 1;
  /** Highest seq published by this process (an ack beyond it cannot be genuine). */
  private lastSentSeq = 0;
  private inFlight: InFlight[] = [];
  private readonly limit: PublishLimit;
  private readonly maxInFlight: number;
  private readonly maxBytes: number;
  private readonly resendAfterMs: number;
  /** The cloud answered something on this connection: it hears us. */
  private heard = false;
  /** How long without ack progress is a stall (see windowAfterProgress). */
  private resendWindowMs: number;
  /** Smoothed ack round trip and its mean deviation, ms (RFC 6298), once measured. */
  private srtt: number | null = null;
  private rttvar = 0;
  /** Acks since the last progress that moved nothing. */
  private staleAcks = 0;
  /** The first unacked batch is to go again (a stall was seen). */
  private probeDue = false;
  /** Last seq of the probe sent in this stall; null when none is out. */
  private probeUpTo: number | null = null;
  private turn: NodeJS.Immediate | undefined;
  private rateTimer: NodeJS.Timeout | undefined;
  private resendTimer: NodeJS.Timeout | undefined;
  private buffer: ReturnType<typeof listEvents> = [];
  /** The buffer ends at the newest event stored when it was read. */
  private bufferAtHead = false;
  private publishes = 0;

  constructor(private readonly o: OutboxRelayOptions) {
    this.limit = o.limit ?? new PublishLimit(o.publishesPerSecond, o.now);
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
    this.heard = false;
    // Short until the cloud answers: a broker that lost its sessions may have dropped what we
    // sent before the cloud re-subscribed.
    this.resendWindowMs = Math.min(FIRST_RESEND_AFTER_CONNECT_MS, this.resendAfterMs);
    this.rewind();
    this.wake();
  }

  stop(): void {
    this.connected = false;
    this.inFlight = [];
    this.buffer = [];
    clearImmediate(this.turn);
    clearTimeout(this.rateTimer);
    clearTimeout(this.resendTimer);
    this.turn = undefined;
    this.rateTimer = undefined;
    this.resendTimer = undefined;
  }

  /** New events were appended (or a limit may have lifted): send what can be sent, in turn. */
  wake(): void {
    if (!this.connected || this.turn !== undefined) return;
    this.turn = setImmediate(() => {
      this.turn = undefined;
      if (this.connected && this.pump()) this.wake();
    });
  }

  /**
   * A verified cumulative ack from the cloud: everything up to `upToSeq` is durably stored
   * there. Higher than the stored ack: delivered. Lower: the cloud lost the rest, so send it
   * again. Older than the newest ack taken, or beyond what this process sent: ignored.
   */
  ack(ack: VerifiedAck): AckOutcome {
    const outcome = this.o.db.transaction(() => this.takeAck(ack))();
    if (outcome === 'replayed') return outcome;
    if (outcome === 'beyond_sent') {
      this.o.log.warn(
        { upToSeq: ack.upToSeq, lastSentSeq: this.lastSentSeq },
        'ack beyond the last sent seq ignored',
      );
      return outcome;
    }
    const firstWord = !this.heard;
    this.heard = true;
    if (outcome === 'stale') {
      this.onStaleAck(firstWord);
      return outcome;
    }
    if (outcome === 'advanced') this.onProgress(ack.upToSeq);
    else this.rewind();
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

  /**
   * An ack that moves nothing. The first on a connection is the cloud's answer to our presence;
   * more while batches are out mean the cloud stores what we send but cannot move past a gap.
   */
  private onStaleAck(firstWord: boolean): void {
    if (firstWord) {
      this.resendWindowMs = this.windowAfterProgress();
      this.armResend();
      return;
    }
    this.staleAcks += 1;
    const probing = this.probeDue || this.probeUpTo !== null;
    // The cloud is still working through what was sent before the probe: not a stall.
    if (probing) this.armResend();
    else if (this.staleAcks >= STALE_ACKS_FOR_A_GAP && this.inFlight.length > 0) {
      this.o.log.warn({ ackedSeq: ackedSeq(this.o.db) }, 'the cloud acks without moving: a gap');
      this.probe();
    }
  }

  private onProgress(upToSeq: number): void {
    const covered = this.inFlight.filter((p) => p.lastSeq <= upToSeq);
    this.inFlight = this.inFlight.filter((p) => p.lastSeq > upToSeq);
    this.staleAcks = 0;
    if (this.probeUpTo === null) {
      // Only from publishes sent once: an ack after a probe may answer either copy (Karn).
      const newest = covered.at(-1);
      if (newest) this.measure(this.o.now() - newest.at);
    } else if (upToSeq > this.probeUpTo) {
      this.probeUpTo = null; // past the probe: the stall is over
    }
    if (this.probeUpTo === null) this.resendWindowMs = this.windowAfterProgress();
    this.armResend();
  }

  /** One ack round trip: the smoothed estimate and its deviation (RFC 6298). */
  private measure(rtt: number): void {
    if (this.srtt === null) {
      this.srtt = rtt;
      this.rttvar = rtt / 2;
      return;
    }
    this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rtt);
    this.srtt = 0.875 * this.srtt + 0.125 * rtt;
  }

  /**
   * The stall window while acks flow: the measured round trip with room for its variation,
   * which grows with what is queued ahead at the cloud; resendAfterMs before any is measured.
   */
  private windowAfterProgress(): number {
    if (this.srtt === null) return this.resendAfterMs;
    const rto = this.srtt + 4 * this.rttvar;
    return Math.min(this.resendAfterMs, Math.max(MIN_RESEND_WINDOW_MS, rto));
  }

  private rewind(): void {
    this.nextSeq = ackedSeq(this.o.db) + 1;
    this.inFlight = [];
    this.buffer = [];
    this.staleAcks = 0;
    this.probeDue = false;
    this.probeUpTo = null;
    clearTimeout(this.resendTimer);
    this.resendTimer = undefined;
  }

  /** Sends one batch (or the probe); true when another may follow at once. */
  private pump(): boolean {
    const wait = this.limit.msUntilFree();
    if (wait > 0) {
      this.rateTimer ??= setTimeout(() => {
        this.rateTimer = undefined;
        this.wake();
      }, wait);
      return false;
    }
    if (this.probeDue) return this.sendProbe();
    if (this.inFlight.length >= this.maxInFlight) return false;
    const events = this.pending();
    if (events.length === 0) return false;
    const batch = nextBatch(events, this.maxBytes)!;
    const full = batch.count < events.length || !this.bufferAtHead;
    // Nagle: while a small batch is out, what trickles in waits for its ack and goes together.
    if (!full && this.inFlight.some((p) => !p.full)) return false;
    if (batch.bytes > this.maxBytes) {
      this.o.log.error({ seq: batch.firstSeq, bytes: batch.bytes }, 'event larger than a message');
    }
    this.buffer = events.slice(batch.count);
    this.nextSeq = batch.lastSeq + 1;
    this.lastSentSeq = Math.max(this.lastSentSeq, batch.lastSeq);
    this.inFlight.push({ lastSeq: batch.lastSeq, at: this.o.now(), full });
    // The timer runs for the oldest unacked publish: later publishes must not push it back,
    // or a lost first batch would wait until the whole backlog had been sent.
    if (this.resendTimer === undefined) this.armResend();
    this.send(batch.json, batch.firstSeq);
    return true;
  }

  /** The first unacked publish again, exactly as far as it went. */
  private sendProbe(): boolean {
    this.probeDue = false;
    const oldest = this.inFlight[0];
    if (!oldest) return true;
    const from = ackedSeq(this.o.db) + 1;
    const events = listEvents(this.o.db, from, READ_AHEAD).filter((e) => e.seq <= oldest.lastSeq);
    const batch = nextBatch(events, this.maxBytes);
    if (!batch) return true;
    this.probeUpTo = batch.lastSeq;
    this.send(batch.json, batch.firstSeq);
    return true;
  }

  private send(json: string, firstSeq: number): void {
    this.limit.take();
    this.publishes += 1;
    this.o.log.debug({ firstSeq }, 'event batch published');
    this.o.publish(json).catch((e: unknown) => {
      // The connection went; the link restarts the relay from the ack when it is back.
      this.o.log.debug({ err: e, firstSeq }, 'event batch not published');
    });
  }

  /** Events from nextSeq on, read ahead from the store in chunks. */
  private pending(): ReturnType<typeof listEvents> {
    if (this.buffer.length === 0 || this.buffer[0]!.seq !== this.nextSeq) {
      this.buffer = listEvents(this.o.db, this.nextSeq, READ_AHEAD);
      this.bufferAtHead = this.buffer.length < READ_AHEAD;
    } else if (this.buffer.length < READ_AHEAD / 2) {
      const more = listEvents(this.o.db, this.buffer.at(-1)!.seq + 1, READ_AHEAD);
      this.buffer = this.buffer.concat(more);
      this.bufferAtHead = more.length < READ_AHEAD;
    }
    return this.buffer;
  }

  private armResend(): void {
    clearTimeout(this.resendTimer);
    this.resendTimer = undefined;
    if (!this.connected || (this.inFlight.length === 0 && this.probeUpTo === null)) return;
    this.resendTimer = setTimeout(() => {
      this.resendTimer = undefined;
      this.onStall();
    }, this.resendWindowMs);
  }

  /** No ack progress for a whole window. */
  private onStall(): void {
    const acked = ackedSeq(this.o.db);
    if (this.probeUpTo !== null && acked >= this.probeUpTo) {
      // The cloud stored the probe and nothing sent before it: those never arrived.
      this.o.log.warn(
        { ackedSeq: acked, inFlight: this.inFlight.length },
        'the cloud took the probe and nothing after it: sending again from the last ack',
      );
      this.rewind();
      this.wake();
      return;
    }
    this.o.log.warn(
      { ackedSeq: acked, inFlight: this.inFlight.length, waitedMs: this.resendWindowMs },
      'no ack progress: sending the first unacked batch again',
    );
    this.resendWindowMs = Math.min(this.resendWindowMs * 2, this.resendAfterMs);
    this.probe();
  }

  private probe(): void {
    this.probeDue = true;
    this.armResend();
    this.wake();
  }
}
