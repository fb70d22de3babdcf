/**
 * KioskCore: the whole locker in plain Node. Built once by a composition root from a store, a
 * lock board, an identity and a clock; the Electron shell, the web shell and the cloud link
 * drive it through the services it exposes.
 */
import { StorageWatch, unmeasured, type StorageGauge } from './storageWatch';
import type { KeyObject } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { KioskConfig } from '../config/kioskConfig';
import type { LockBoard } from '../core/lockBoard';
import { parcelTransition } from '../core/stateMachines';
import {
  confirmClock,
  expiryTime,
  initialTrustedTime,
  observeClock,
  type TrustedTimeState,
} from '../core/trustedTime';
import { getMeta, setMeta } from '../store/meta';
import type { IdentityStore } from '../identity/identityStore';
import { listCompartments, type Compartment } from '../store/compartments';
import type { Db } from '../store/database';
import { doorOperationFor } from '../store/doorOperations';
import { pruneDelivered } from '../store/events';
import { listDueToExpire, saveParcel } from '../store/parcels';
import { Announcements } from './announcements';
import { AuditLog } from './auditLog';
import { Codes } from './codes';
import { Collection } from './collection';
import type { Clock, LockerContext } from './context';
import { Credentials } from './credentials';
import { Deposits } from './deposits';
import { Doors } from './doors';
import { OperationQueue } from './operationQueue';
import { Pickups } from './pickups';
import { applyLayout, reconcileAtStart } from './reconciliation';
import { Returns } from './returns';
import { Staff } from './staff';

export interface KioskCoreDeps {
  config: KioskConfig;
  db: Db;
  board: LockBoard;
  identity: IdentityStore;
  clock: Clock;
  log: Logger;
  /**
   * The cloud's key for badges; null until enrolment provides it. A function is asked at each
   * use, so a key that arrives with enrolment works without a restart.
   */
  cloudPublicKey: KeyObject | null | (() => KeyObject | null);
  newId?: () => string;
  softwareVersion?: string;
  /** Real waiting by default; tests pass one that moves their fake clock. */
  sleep?: (ms: number) => Promise<void>;
  /** Free space where the data is kept (unmeasured: deposits never refused for space). */
  storage?: StorageGauge;
}

const PRUNE_EVERY_MS = 3_600_000;
/** The cloud's signed time within this of the clock confirms the clock. */
const CLOCK_TOLERANCE_MS = 300_000;

export class KioskCore {
  readonly audit: AuditLog;
  readonly doors: Doors;
  readonly codes: Codes;
  readonly deposits: Deposits;
  readonly pickups: Pickups;
  readonly returns: Returns;
  readonly collection: Collection;
  readonly staff: Staff;
  readonly announcements: Announcements;
  readonly credentials: Credentials;
  readonly storage: StorageWatch;
  private readonly ctx: LockerContext;
  private unsubscribeBoard: () => void = () => {};
  private lastPruneAt = 0;
  private trustedTime: TrustedTimeState = initialTrustedTime;
  private savedTrustedTime: TrustedTimeState = initialTrustedTime;

  private constructor(deps: KioskCoreDeps) {
    const { config, db, clock, log } = deps;
    this.audit = new AuditLog(db, config.lockerId, deps.identity.deviceKey().privateKey, () =>
      clock.now(),
    );
    this.ctx = {
      lockerId: config.lockerId,
      db,
      board: deps.board,
      audit: this.audit,
      clock,
      policy: config.policy,
      codeDigestKey: deps.identity.codeDigestKey(),
      newId: deps.newId ?? randomUUID,
      log,
      queue: new OperationQueue(),
      sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    };
    this.doors = new Doors(this.ctx);
    this.codes = new Codes(this.ctx);
    this.storage = new StorageWatch(this.ctx, this.doors, deps.storage ?? unmeasured);
    this.deposits = new Deposits(this.ctx, this.doors, this.storage);
    this.pickups = new Pickups(this.ctx, this.doors, this.codes);
    this.returns = new Returns(this.ctx, this.doors, this.codes, this.storage);
    this.collection = new Collection(this.ctx, this.doors);
    this.staff = new Staff(this.ctx, this.doors, this.collection);
    this.announcements = new Announcements(this.ctx);
    const stored = getMeta(db, 'trusted_time');
    if (stored) this.trustedTime = this.savedTrustedTime = JSON.parse(stored) as TrustedTimeState;
    const cloudKey = deps.cloudPublicKey;
    this.credentials = new Credentials(
      this.ctx,
      typeof cloudKey === 'function' ? cloudKey : () => cloudKey,
    );
  }

  /** Applies the layout, settles what a crash left open, and starts listening to the board. */
  static async start(deps: KioskCoreDeps): Promise<KioskCore> {
    const core = new KioskCore(deps);
    applyLayout(core.ctx, deps.config.compartments);
    deps.db.transaction(() =>
      core.audit.append('device.started', {
        softwareVersion: deps.softwareVersion ?? '0.0.0',
        compartments: deps.config.compartments.length,
      }),
    )();
    const { queue } = core.ctx;
    // Events that arrive while start-up reconciles wait for it in the queue.
    core.unsubscribeBoard = deps.board.onEvent((event) => {
      // One at a time, in order, and never in the middle of a request: a close must not
      // overtake the open before it, nor a board's baseline a half-done unlock. A person
      // waiting goes first (as if the poll had seen the change a moment later).
      queue
        .runInBackground(() => core.doors.onBoardEvent(event))
        .catch((e: unknown) => {
          // On a full disk the fact is lost; the boards are read again once there is room.
          if (core.storage.noteFull(e))
            deps.log.error({ event }, 'board event not recorded: disk full');
          else deps.log.error({ err: e, event }, 'board event handling failed');
        });
    });
    const { settled, unreadable } = await queue.run(() => reconcileAtStart(core.ctx, core.doors));
    if (settled > 0 || unreadable.length > 0)
      deps.log.info({ settled, unreadable }, 'unfinished door operations reconciled');
    await core.tick();
    return core;
  }

  /** Time-driven work; the composition root calls it every second, tests call it directly. */
  tick(): Promise<void> {
    return this.ctx.queue.runInBackground(() => this.timeWork());
  }

  private async timeWork(): Promise<void> {
    await this.storage.onTime();
    await this.doors.onTime();
    const now = this.ctx.clock.now();
    this.observeClock(now);
    this.expireDue(expiryTime(this.trustedTime, now));
    if (now - this.lastPruneAt >= PRUNE_EVERY_MS) {
      this.lastPruneAt = now;
      // Only what the cloud confirmed at least the retention period ago (store/ackReceipts.ts).
      const pruned = pruneDelivered(
        this.ctx.db,
        now - this.ctx.policy.eventRetentionDays * 86_400_000,
      );
      if (pruned > 0) this.ctx.log.info({ pruned }, 'delivered events pruned');
    }
  }

  private expireDue(now: number): void {
    const { db, audit } = this.ctx;
    db.transaction(() => {
      for (const parcel of listDueToExpire(db, now)) {
        if (doorOperationFor(db, parcel.compartmentId!)) continue; // a pickup is under way
        const next = parcelTransition(parcel.state, 'expire');
        if (!next.ok) continue;
        saveParcel(db, { ...parcel, state: next.value });
        audit.append('parcel.expired', {
          parcelId: parcel.id,
          compartmentId: parcel.compartmentId!,
        });
      }
    })();
  }

  /** A jump of the clock beyond the step holds expiry (core/trustedTime.ts). */
  private observeClock(now: number): void {
    const next = observeClock(this.trustedTime, now, this.ctx.policy.maxClockStepSec * 1000);
    if (next === this.trustedTime) return;
    if (next.held && !this.trustedTime.held)
      this.ctx.log.warn({ from: this.trustedTime.floor, to: now }, 'clock jumped: expiry held');
    this.saveTrustedTime(next);
  }

  /**
   * The cloud's signed time, from a verified command: it confirms the clock after a jump, or
   * says how far expiry may go meanwhile.
   */
  confirmTime(cloudAt: number): void {
    const now = this.ctx.clock.now();
    this.saveTrustedTime(confirmClock(this.trustedTime, cloudAt, now, CLOCK_TOLERANCE_MS));
  }

  /**
   * Kept in memory; written when the hold starts or ends, or once its floor or the cloud's time
   * has moved a minute: a start after a crash then runs expiry at most a minute behind, which
   * errs towards keeping parcels. (Every command's newer cloud time used to cost a commit.)
   */
  private saveTrustedTime(state: TrustedTimeState): void {
    const saved = this.savedTrustedTime;
    this.trustedTime = state;
    const moved = Math.max(state.floor - saved.floor, state.cloud - saved.cloud);
    if (state.held === saved.held && moved < 60_000) return;
    setMeta(this.ctx.db, 'trusted_time', JSON.stringify(state));
    this.savedTrustedTime = state;
  }

  compartments(): Compartment[] {
    return listCompartments(this.ctx.db);
  }

  /**
   * Digits the cloud gives this locker's new codes (config file, then config.update): what
   * the keypad expects. Codes of any length 6–10 are still taken.
   */
  codeLength(): number {
    return this.ctx.policy.codeLength;
  }

  /** Waits for board events and requests already received to be handled (tests, shutdown). */
  async settled(): Promise<void> {
    await this.ctx.queue.idle();
  }

  async close(): Promise<void> {
    this.unsubscribeBoard();
    await this.ctx.queue.idle();
  }
}
