/** What every kiosk service is built from; the composition root fills it in once. */
import type { Logger } from 'pino';
import type { PolicyConfig } from '../config/kioskConfig';
import type { LockBoard } from '../core/lockBoard';
import type { Db } from '../store/database';
import type { AuditLog } from './auditLog';
import type { OperationQueue } from './operationQueue';

export interface Clock {
  now(): number;
  /**
   * A clock no one can step (ms, any origin; the process's `performance.now()`), where there is
   * one: time credited against the keypad throttle is the lesser of the two.
   */
  monotonic?(): number;
}

export interface LockerContext {
  lockerId: string;
  db: Db;
  board: LockBoard;
  audit: AuditLog;
  clock: Clock;
  policy: PolicyConfig;
  /** HMAC key for pickup and return code digests. */
  codeDigestKey: Uint8Array;
  /** Fresh unique ids (parcels deposited unannounced). */
  newId: () => string;
  log: Logger;
  /** Serialises door work: requests, board events and timers (see OperationQueue). */
  queue: OperationQueue;
  /** Waits (the solenoid cool-down); tests move a fake clock instead. */
  sleep: (ms: number) => Promise<void>;
}

/** Who is acting: a verified badge holder, or a customer at the keypad. */
export interface Actor {
  role: 'courier' | 'staff' | 'customer' | 'cloud' | 'system';
  subject: string;
}

export const customer: Actor = { role: 'customer', subject: 'customer' };
export const system: Actor = { role: 'system', subject: 'system' };

export const actorName = (actor: Actor): string => `${actor.role}:${actor.subject}`;
