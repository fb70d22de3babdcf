/**
 * Ingest of what units publish (DESIGN §5): event batches are size-checked, parsed once, deduped
 * by (lockerId, seq), verified link by link with a per-locker ChainVerifier against the enrolled
 * device key (hashes and signatures checked ahead on worker threads, SignatureChecks; each
 * locker's batches stored in arrival order, LockerQueue), stored with their effect on the view
 * in one transaction, and acked cumulatively with a signed ack. Events ahead of a gap wait in pending_events; a broken link
 * is recorded, the locker flagged, and nothing past it is acked. Retained state snapshots are
 * recorded when the device key signed them; a snapshot showing a door shut ends its
 * unexpected-opening alert. A locker coming online is sent a signed ack of the stored head, so
 * a cloud restored from a backup rewinds it. Bad input is logged with its reason and dropped;
 * it never throws.
 */
import type { z } from 'zod';
import type { SignedEvent } from '../../src/shared/events';
import { ChainVerifier, type LinkProof } from '../../src/shared/node/eventChain';
import { DeviceKeys } from './deviceKeys';
import { verifyMessage } from '../../src/shared/node/signedMessage';
import {
  EventBatchSchema,
  PresenceSchema,
  StateSnapshotSchema,
} from '../../src/shared/protocol/messages';
import { MAX_MESSAGE_BYTES, parseLockerTopic } from '../../src/shared/protocol/topics';
import { insertChainBreak, lastChainBreak } from '../store/chainBreaks';
import {
  countPending,
  dropPendingUpTo,
  holdPendingEvent,
  insertEvent,
  storedHash,
  takePendingEvent,
} from '../store/events';
import {
  flagLocker,
  getLocker,
  setChainHead,
  setPresence,
  setSnapshot,
  type Locker,
} from '../store/lockers';
import { walSyncOf, type WalSync } from '../store/walSync';
import { Acks } from './acks';
import { clearClosedDoors } from './alerts';
import { clearOffline, raiseChainBreak } from './lockerAlerts';
import { sendRevocationList } from './badges';
import { availability } from './capacity';
import type { Commands } from './commands';
import type { CloudContext } from './context';
import { recordAvailabilityChange, recordPresenceChange } from './lifeStatus';
import type { LockerView } from './lockerView';
import { heldEventProblem, unservableRewind } from './heldEvents';
import { LockerQueue, Room } from './lockerQueue';
import { defaultSignatureWorkers, SignatureChecks } from './signatureChecks';

/** Events held behind one gap, per locker; beyond that the unit must resend. */
export const MAX_PENDING_EVENTS = 10_000;

export type DropReason =
  | 'unknown_topic'
  | 'oversized'
  | 'malformed_json'
  | 'invalid_schema'
  | 'unknown_locker'
  | 'not_enrolled'
  | 'wrong_locker'
  | 'bad_signature';

/** A batch with fewer events to prove is proved on the main thread: a worker's round trip would cost more. */
const MIN_EVENTS_OFF_THREAD = 16;

/** Event batches taken in and not yet stored before the cloud reads no further message. */
const MAX_BATCHES_IN_FLIGHT = 64;

/** Proofs computed ahead for a batch, and the device key they were computed with. */
interface Proofs {
  deviceKey: string;
  byEvent: ReadonlyMap<SignedEvent, LinkProof>;
}
const NO_PROOFS: ReadonlyMap<SignedEvent, LinkProof> = new Map();

interface CachedVerifier {
  deviceKey: string;
  verifier: ChainVerifier;
}

export interface BatchOutcome {
  ackedSeq: number;
  stored: number;
  /** Of those stored, how many had their signature checked ahead on a worker thread. */
  provedAhead: number;
  duplicates: number;
  held: number;
  rejected: number;
}

export class Ingest {
  /** Each locker's device key, imported once rather than for every batch (3–4 % of the main thread). */
  private readonly deviceKeys = new DeviceKeys();
  private readonly verifiers = new Map<string, CachedVerifier>();
  private readonly acks: Acks;
  private readonly inTurn = new LockerQueue();
  private readonly room = new Room(MAX_BATCHES_IN_FLIGHT);
  private readonly checks: SignatureChecks;
  private readonly wal: WalSync;

  constructor(
    private readonly ctx: CloudContext,
    private readonly view: LockerView,
    private readonly commands: Commands,
    signatureWorkers = defaultSignatureWorkers(),
  ) {
    this.acks = new Acks(ctx);
    this.checks = new SignatureChecks(signatureWorkers, ctx.log);
    this.wal = walSyncOf(ctx.db);
  }

  /** Stops the signature workers. */
  close(): Promise<void> {
    return this.checks.close();
  }

  /** Subscriptions the cloud needs, with the prefix's wildcards. */
  subscriptions(): string[] {
    const base = this.ctx.topicPrefix.replace(/\/+$/, '');
    return [`${base}/+/events`, `${base}/+/state`, `${base}/+/presence`];
  }

  /**
   * Starts handling one message; resolves once there is room for the next (fewer than
   * MAX_BATCHES_IN_FLIGHT event batches taken in and not stored yet), so that while the cloud
   * is behind, the broker holds what waits rather than this process.
   */
  take(topic: string, payload: Buffer): Promise<void> {
    void this.onMessage(topic, payload);
    return this.room.wait();
  }

  async onMessage(topic: string, payload: Buffer): Promise<void> {
    try {
      const where = parseLockerTopic(this.ctx.topicPrefix, topic);
      if (!where) return this.drop(topic, 'unknown_topic', 'not a locker topic');
      if (payload.length > MAX_MESSAGE_BYTES)
        return this.drop(topic, 'oversized', `${payload.length} bytes, limit ${MAX_MESSAGE_BYTES}`);
      if (where.channel === 'events') await this.onEvents(topic, where.lockerId, payload);
      else if (where.channel === 'state') this.onState(topic, where.lockerId, payload);
      else if (where.channel === 'presence') await this.onPresence(topic, where.lockerId, payload);
    } catch (e) {
      this.ctx.log.error({ err: e, topic }, 'message handling failed');
    }
  }

  private drop(topic: string, reason: DropReason, detail: string): void {
    this.ctx.log.warn({ topic, reason, detail }, 'mqtt message dropped');
  }

  private parse<T>(topic: string, payload: Buffer, schema: z.ZodType<T>): T | null {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch (e) {
      this.drop(topic, 'malformed_json', (e as Error).message);
      return null;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.') || 'message'}: ${i.message}`)
        .join('; ');
      this.drop(topic, 'invalid_schema', problems);
      return null;
    }
    return parsed.data;
  }

  private enrolledLocker(topic: string, lockerId: string): Locker | null {
    const locker = getLocker(this.ctx.db, lockerId);
    if (!locker) this.drop(topic, 'unknown_locker', `no locker ${lockerId} is provisioned`);
    else if (locker.devicePublicKey === null)
      this.drop(topic, 'not_enrolled', `locker ${lockerId} has no device key yet`);
    else return locker;
    return null;
  }

  private async onEvents(topic: string, lockerId: string, payload: Buffer): Promise<void> {
    const batch = this.parse(topic, payload, EventBatchSchema);
    if (!batch) return;
    const locker = this.enrolledLocker(topic, lockerId);
    if (!locker) return;
    // The signatures are checked off this thread from now; the batch is stored in its turn.
    const proofs = this.proofsAhead(locker, batch.events);
    this.room.enter();
    let stored: { ackSent: Promise<void> };
    try {
      stored = await this.inTurn.run(lockerId, () =>
        this.storeInTurn(topic, lockerId, batch.events, proofs),
      );
    } finally {
      this.room.leave();
    }
    await stored.ackSent;
  }

  /**
   * Starts the proofs of the batch's events the chain may still need (a duplicate needs none)
   * on a worker thread; null for a batch too small to be worth it, or a pool too busy, whose
   * events are then proved here as they are reached.
   */
  private proofsAhead(locker: Locker, events: readonly SignedEvent[]): Promise<Proofs> | null {
    const wanted = events.filter((e) => e.lockerId === locker.id && e.seq > locker.chainSeq);
    if (wanted.length < MIN_EVENTS_OFF_THREAD) return null;
    const deviceKey = locker.devicePublicKey!;
    const proved = this.checks.prove(this.deviceKeys.of(deviceKey), wanted);
    if (!proved) return null;
    return proved.then(
      (proofs) => ({ deviceKey, byEvent: new Map(wanted.map((e, i) => [e, proofs[i]!])) }),
      (e: unknown) => {
        this.ctx.log.warn(
          { err: e, lockerId: locker.id },
          'signature checks failed; checking here',
        );
        return { deviceKey, byEvent: new Map() };
      },
    );
  }

  /**
   * Stores a batch once the batches before it (of this locker) are stored: its own transaction,
   * then — once that is on disk — its commands and the signed ack of the stored head, sent in
   * the order stored. Resolves with the ack's
   * publish in flight (wrapped, so it is not awaited here): the next batch need not wait for
   * the broker.
   */
  private async storeInTurn(
    topic: string,
    lockerId: string,
    events: readonly SignedEvent[],
    proofsAhead: Promise<Proofs> | null,
  ): Promise<{ ackSent: Promise<void> }> {
    const proofs = proofsAhead ? await proofsAhead : null;
    // Read again: the batches stored meanwhile moved its head.
    const locker = this.enrolledLocker(topic, lockerId);
    if (!locker) return { ackSent: Promise.resolve() };
    const usable = proofs?.deviceKey === locker.devicePublicKey ? proofs.byEvent : NO_PROOFS;
    let outcome: BatchOutcome;
    try {
      outcome = this.wal.commit(() => this.storeBatch(locker, events, usable));
    } catch (e) {
      this.verifiers.delete(lockerId); // it may have moved past what was rolled back
      throw e;
    }
    const issued = this.commands.takeIssued();
    const ack = this.acks.sign(lockerId, outcome.ackedSeq);
    this.ctx.log.debug({ lockerId, ...outcome }, 'event batch ingested');
    // Nothing it caused leaves the process before it is on disk. Then the ack goes first, and
    // does not wait for the commands' PUBACKs (they can queue behind the unit's own batches on
    // the broker's connection to us); the commands are stored and resent whatever becomes of it.
    const ackSent = this.wal.sync().then(() => {
      const acked = this.acks.publish(ack);
      this.commands.publish(issued);
      return acked;
    });
    return { ackSent };
  }

  private verifierFor(locker: Locker): ChainVerifier {
    const cached = this.verifiers.get(locker.id);
    if (
      cached &&
      cached.deviceKey === locker.devicePublicKey &&
      cached.verifier.state.lastSeq === locker.chainSeq
    )
      return cached.verifier;
    const verifier = new ChainVerifier(this.deviceKeys.of(locker.devicePublicKey!), {
      seq: locker.chainSeq + 1,
      prevHash: locker.chainHash,
      lockerId: locker.id,
    });
    this.verifiers.set(locker.id, { deviceKey: locker.devicePublicKey!, verifier });
    return verifier;
  }

  private storeBatch(
    locker: Locker,
    events: readonly SignedEvent[],
    proofs: ReadonlyMap<SignedEvent, LinkProof>,
  ): BatchOutcome {
    const { db } = this.ctx;
    const verifier = this.verifierFor(locker);
    const deviceKey = this.deviceKeys.of(locker.devicePublicKey!);
    const availableBefore = JSON.stringify(availability(db, locker));
    const outcome: BatchOutcome = {
      ackedSeq: 0,
      stored: 0,
      provedAhead: 0,
      duplicates: 0,
      held: 0,
      rejected: 0,
    };
    const reject = (seq: number | null, reason: string, detail: string) => {
      outcome.rejected += 1;
      this.recordBreak(locker.id, seq, reason, detail);
    };

    const accept = (event: SignedEvent): boolean => {
      const pushed = verifier.pushParsed(event, proofs.get(event));
      if (!pushed.ok) {
        reject(pushed.seq, pushed.reason, pushed.detail);
        return false;
      }
      insertEvent(db, pushed.event, this.ctx.clock.now());
      this.view.apply(locker, pushed.event);
      outcome.stored += 1;
      if (proofs.has(event)) outcome.provedAhead += 1;
      return true;
    };

    for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
      const next = verifier.state.nextSeq;
      if (event.lockerId !== locker.id) {
        reject(event.seq, 'wrong_locker', `event of ${event.lockerId} on ${locker.id}'s topic`);
      } else if (event.seq < next) {
        outcome.duplicates += 1;
        const hash = storedHash(db, locker.id, event.seq);
        // Same seq, different content: someone forked the chain.
        if (hash !== null && hash !== event.hash)
          reject(event.seq, 'conflicting_duplicate', `stored hash ${hash}, received ${event.hash}`);
      } else if (event.seq > next) {
        // Only what the unit signed waits: a forgery held first would keep its seq's place.
        const problem = heldEventProblem(event, deviceKey, proofs.get(event));
        if (problem) {
          outcome.rejected += 1;
          this.ctx.log.warn(
            { lockerId: locker.id, seq: event.seq, reason: problem },
            'event ahead of a gap refused',
          );
          continue;
        }
        if (countPending(db, locker.id) < MAX_PENDING_EVENTS) {
          holdPendingEvent(db, event, this.ctx.clock.now());
          outcome.held += 1;
        }
        // A gap the unit says it cannot fill: flag the locker for an operator now.
        const unservable = unservableRewind(event);
        if (unservable) this.recordBreak(locker.id, event.seq, 'rewind_unservable', unservable);
      } else if (accept(event)) {
        for (let e = takePendingEvent(db, locker.id, verifier.state.nextSeq); e;) {
          if (!accept(e)) break;
          e = takePendingEvent(db, locker.id, verifier.state.nextSeq);
        }
      }
    }
    const { lastSeq, lastHash } = verifier.state;
    if (lastSeq !== locker.chainSeq) {
      setChainHead(db, locker.id, lastSeq, lastHash);
      dropPendingUpTo(db, locker.id, lastSeq);
    }
    outcome.ackedSeq = lastSeq;
    const availableAfter = availability(db, locker);
    if (JSON.stringify(availableAfter) !== availableBefore)
      recordAvailabilityChange(this.ctx, locker.id, availableAfter);
    return outcome;
  }

  private recordBreak(lockerId: string, seq: number | null, reason: string, detail: string): void {
    const last = lastChainBreak(this.ctx.db, lockerId);
    if (!last || last.seq !== seq || last.reason !== reason) {
      insertChainBreak(this.ctx.db, lockerId, { seq, reason, detail, at: this.ctx.clock.now() });
      raiseChainBreak(this.ctx, lockerId, { seq, reason, detail });
    }
    flagLocker(this.ctx.db, lockerId);
    this.ctx.log.warn({ lockerId, seq, reason, detail }, 'event chain broken: locker flagged');
  }

  private onState(topic: string, lockerId: string, payload: Buffer): void {
    const snapshot = this.parse(topic, payload, StateSnapshotSchema);
    if (!snapshot) return;
    if (snapshot.lockerId !== lockerId)
      return this.drop(topic, 'wrong_locker', `snapshot of ${snapshot.lockerId}`);
    const locker = this.enrolledLocker(topic, lockerId);
    if (!locker) return;
    // Only the unit can say what is in it: anyone else's snapshot could block the real ones.
    if (!verifyMessage(snapshot, this.deviceKeys.of(locker.devicePublicKey!)))
      return this.drop(topic, 'bad_signature', 'snapshot not signed with the device key');
    if (locker.snapshotSeq !== null && snapshot.seq < locker.snapshotSeq) return;
    this.ctx.db
      .transaction(() => {
        setSnapshot(
          this.ctx.db,
          lockerId,
          JSON.stringify(snapshot),
          snapshot.seq,
          Date.parse(snapshot.at),
        );
        clearClosedDoors(this.ctx, lockerId, snapshot);
      })
      .immediate();
  }

  private async onPresence(topic: string, lockerId: string, payload: Buffer): Promise<void> {
    const presence = this.parse(topic, payload, PresenceSchema);
    if (!presence) return;
    const locker = this.enrolledLocker(topic, lockerId);
    if (!locker) return;
    const at = presence.at === undefined ? this.ctx.clock.now() : Date.parse(presence.at);
    this.ctx.db
      .transaction(() => {
        setPresence(this.ctx.db, lockerId, presence.status, at);
        if (locker.presence !== presence.status)
          recordPresenceChange(this.ctx, lockerId, presence.status === 'online');
        if (presence.status === 'online') clearOffline(this.ctx, lockerId, this.ctx.clock.now());
      })
      .immediate();
    const resent = presence.status === 'online' ? await this.cameOnline(locker) : 0;
    this.ctx.log.info({ lockerId, status: presence.status, resent }, 'presence recorded');
  }

  /** A unit (re)connected: where its stored chain ends, what it has not answered, revocations. */
  private async cameOnline(locker: Locker): Promise<number> {
    const lockerId = locker.id;
    // Where the stored chain ends: a unit ahead of it (a restored cloud) resends from there.
    const ack = this.acks.sign(lockerId, locker.chainSeq);
    // That head may be a commit still on its way to disk (WalSync): named only once it is there.
    const acked = this.wal
      .sync()
      .then(() => this.acks.publish(ack))
      .catch((e: unknown) => this.ctx.log.warn({ err: e, lockerId }, 'presence ack not sent'));
    // What is pending now, not after the ack's PUBACK: by then the unit's batches may have set
    // off commands that go out with them, and they would go twice.
    const [, resent] = await Promise.all([acked, this.commands.resendPending(lockerId)]);
    await sendRevocationList(this.ctx, this.commands, lockerId);
    return resent;
  }
}
