/** What every cloud service is built with: the store, time, randomness, keys and the link. */
import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import type { BrokerAccounts } from '../brokerAccess/accounts';
import type { Db } from '../store/database';

export interface Clock {
  now(): number;
}

/** Publishes on the broker; resolves when the broker has the message (PUBACK for QoS 1). */
export type Publish = (topic: string, payload: string, qos: 0 | 1) => Promise<void>;

export interface CloudContext {
  db: Db;
  clock: Clock;
  log: Logger;
  signingKey: KeyObject;
  publicKey: KeyObject;
  topicPrefix: string;
  /** The broker URL handed to enrolling units (never with credentials). */
  mqttUrl: string;
  /** Where enrolment puts each locker's broker identity. */
  brokerAccounts: BrokerAccounts;
  publish: Publish;
  newId: () => string;
  /** A uniformly random string of `length` decimal digits (CSPRNG unless a test injects one). */
  randomDigits: (length: number) => string;
  /** `size` random bytes for QR tokens (crypto.randomBytes unless a test injects a source). */
  randomBytes: (size: number) => Buffer;
  policy: CloudPolicy;
}

export interface CloudPolicy {
  /** Code length of a locker provisioned without one; each locker keeps its own after. */
  codeLength: number;
  /** Days an allocation waits for its deposit before it lapses. */
  allocationDays: number;
  /** Days after deposit when the reminder goes out. */
  reminderAfterDays: number;
  /** Hours before expiry when the warning goes out. */
  expiryWarningHours: number;
}

export const DEFAULT_POLICY: CloudPolicy = {
  // 8 digits: at the keypad throttle's best rate, under 0.1 % a day against 100 parcels
  // (docs/security.md); 6 would be 7 %.
  codeLength: 8,
  allocationDays: 7,
  reminderAfterDays: 2,
  expiryWarningHours: 12,
};

export const DAY_MS = 86_400_000;
export const iso = (ms: number): string => new Date(ms).toISOString();
