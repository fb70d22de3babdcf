/**
 * KioskCore: the whole locker in plain Node. Built once by a composition root from a store, a
 * lock board, an identity and a clock; the Electron shell, the web shell and the cloud link
 * drive it through the services it exposes.
 */
import type { KeyObject } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { KioskConfig } from '../config/kioskConfig';
import type { LockBoard } from '../core/lockBoard';
import { parcelTransition } from '../core/stateMachines';
import type { IdentityStore } from '../identity/identityStore';
import { listCompartments, type Compartment } from '../store/compartments';
import type { Db } from '../store/database';
import { doorOperationFor, listDoorOperations } from '../store/doorOperations';
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
import { Pickups } from './pickups';
import { applyLayout, reconcileWithBoard } from './reconciliation';
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
}

const PRUNE_EVERY_MS = 3_600_000;

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
  private readonly ctx: LockerContext;
  private boardEvents: Promise<void> = Promise.resolve();
  private unsubscribeBoard: () => void = () => {};
  private lastPruneAt = 0;

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
    };
    this.doors = new Doors(this.ctx);
    this.codes = new Codes(this.ctx);
    this.deposits = new Deposits(this.ctx, this.doors);
    this.pickups = new Pickups(this.ctx, this.doors, this.codes);
    this.returns = new Returns(this.ctx, this.doors, this.codes);
    this.collection = new Collection(this.ctx, this.doors);
    this.staff = new Staff(this.ctx, this.doors, this.collection);
    this.announcements = new Announcements(this.ctx);
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
    const { settled, deferred } = await reconcileWithBoard(core.ctx, core.doors);
    if (settled + deferred > 0)
      deps.log.info({ settled, deferred }, 'unfinished door operations reconciled');
    core.unsubscribeBoard = deps.board.onEvent((event) => {
      // One at a time and in order: a close must not overtake the open before it.
      core.boardEvents = core.boardEvents
        .then(async () => {
          await core.doors.onBoardEvent(event);
          if (event.type === 'recovered') await reconcileWithBoard(core.ctx, core.doors);
        })
        .catch((e: unknown) => deps.log.error({ err: e, event }, 'board event handling failed'));
    });
    core.tick();
    return core;
  }

  /** Time-driven work; the composition root calls it every second, tests call it directly. */
  tick(): void {
    const now = this.ctx.clock.now();
    for (const op of listDoorOperations(this.ctx.db)) {
      if (op.doorOpenedAt === null && now >= op.deadlineAt) this.doors.abandon(op, 'timeout');
    }
    this.expireDue(now);
    if (now - this.lastPruneAt >= PRUNE_EVERY_MS) {
      this.lastPruneAt = now;
      const before = new Date(now - this.ctx.policy.eventRetentionDays * 86_400_000).toISOString();
      const pruned = pruneDelivered(this.ctx.db, before);
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

  compartments(): Compartment[] {
    return listCompartments(this.ctx.db);
  }

  /** Waits for board events already received to be handled (tests, orderly shutdown). */
  async settled(): Promise<void> {
    await this.boardEvents;
  }

  async close(): Promise<void> {
    this.unsubscribeBoard();
    await this.boardEvents;
  }
}
