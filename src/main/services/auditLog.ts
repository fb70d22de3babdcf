/**
 * Appends signed events to the local log (the outbox). Call inside the same transaction as the
 * state change the event reports: both are durable together or neither is.
 */
import type { KeyObject } from 'node:crypto';
import { EVENT_VERSION, GENESIS_HASH, type SignedEvent } from '../../shared/events';
import type { EventPayloads, EventType } from '../../shared/eventTypes';
import { canonicalBody, signEvent } from '../../shared/node/eventChain';
import { signMessage } from '../../shared/node/signedMessage';
import type { Db } from '../store/database';
import { chainHead, insertEvent } from '../store/events';

export class AuditLog {
  private readonly listeners = new Set<() => void>();
  private waking = false;

  constructor(
    private readonly db: Db,
    private readonly lockerId: string,
    private readonly deviceKey: KeyObject,
    private readonly now: () => number,
  ) {}

  append<T extends EventType>(type: T, payload: EventPayloads[T]): SignedEvent {
    if (!this.db.inTransaction) throw new Error(`event ${type} appended outside a transaction`);
    const head = chainHead(this.db);
    const event = signEvent(
      {
        v: EVENT_VERSION,
        lockerId: this.lockerId,
        seq: (head?.seq ?? 0) + 1,
        type,
        at: new Date(this.now()).toISOString(),
        payload: payload as Record<string, unknown>,
        prevHash: head?.hash ?? GENESIS_HASH,
      },
      this.deviceKey,
    );
    const { hash, sig, ...body } = event;
    insertEvent(this.db, { seq: event.seq, type, body: canonicalBody(body), hash, sig });
    this.wake();
    return event;
  }

  /** Signs a message (the state snapshot) with the device key the events are signed with. */
  signMessage<T extends object>(body: T): T & { sig: string } {
    return signMessage(body, this.deviceKey);
  }

  /**
   * Tells the cloud relay and the screens' feed, once for all the events appended meanwhile,
   * after the transaction has ended (they read the table, so an event rolled back with its
   * transaction is never sent) and after what the caller does next without waiting: a pickup's
   * unlock frame goes on the wire before any outbox read or publish this commit sets off.
   */
  private wake(): void {
    if (this.listeners.size === 0 || this.waking) return;
    this.waking = true;
    setImmediate(() => {
      this.waking = false;
      this.listeners.forEach((l) => l());
    });
  }

  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
