/** What every cloud service is built with: the store, time, randomness, keys and the link. */
import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import type { CommandType } from '../../src/shared/protocol/commands';
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
  /** The customer's status page link for an allocation (set once the REST API listens). */
  statusPageUrl?: (allocationId: string) => string;
}

export interface CloudPolicy {
  /** Code length of a locker provisioned without one; each locker keeps its own after. */
  codeLength: number;
  /** Days an allocation waits for its deposit before it lapses. */
  allocationDays: number;
  /** Days an expected return waits to be dropped before it lapses. */
  returnDays: number;
  /** Days after deposit when the reminder goes out. */
  reminderAfterDays: number;
  /** Hours before expiry when the warning goes out. */
  expiryWarningHours: number;
  /**
   * How long each type of command may wait for its locker (its signed `notAfter`); null: no
   * expiry, for commands a replay cannot harm.
   */
  commandLifetimeMs: Readonly<Record<CommandType, number | null>>;
  /** A locker offline this long raises an `offline` alert. */
  offlineAlertAfterMs: number;
  /** This many wrong codes within the window (the unit's clock) raise `code_rejections`. */
  codeRejectionAlert: { count: number; windowMs: number };
  /** A `clock_skew` alert ends when the unit has not reported skew for this long. */
  clockSkewQuietMs: number;
}

export const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export const DEFAULT_POLICY: CloudPolicy = {
  // 8 digits: at the keypad throttle's best rate, under 0.1 % a day against 100 parcels
  // (docs/security.md); 6 would be 7 %.
  codeLength: 8,
  allocationDays: 7,
  returnDays: 7,
  reminderAfterDays: 2,
  expiryWarningHours: 12,
  commandLifetimeMs: {
    // Someone is waiting at the door (or the dashboard) now: later, nobody is there.
    'door.open_remote': 5 * MINUTE_MS,
    'state.request': 5 * MINUTE_MS,
    'compartment.set_service': 60 * MINUTE_MS,
    // Parcels, codes, returns and policy outlive an outage of days.
    'parcel.expect': 7 * DAY_MS,
    'parcel.cancel': 7 * DAY_MS,
    'parcel.code': 7 * DAY_MS,
    'parcel.extend': 7 * DAY_MS,
    'return.expect': 7 * DAY_MS,
    'return.cancel': 7 * DAY_MS,
    'config.update': 7 * DAY_MS,
    // Idempotent: applying a revocation again changes nothing, so it may wait forever.
    'credentials.revoke': null,
  },
  offlineAlertAfterMs: 15 * MINUTE_MS,
  // A customer mistyping a few times is normal; ten in ten minutes is someone guessing.
  codeRejectionAlert: { count: 10, windowMs: 10 * MINUTE_MS },
  // The unit reports skew at most hourly (src/main/cloud/commandHandler.ts): two quiet hours.
  clockSkewQuietMs: 120 * MINUTE_MS,
};

export const iso = (ms: number): string => new Date(ms).toISOString();
