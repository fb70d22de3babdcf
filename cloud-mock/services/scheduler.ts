/**
 * Time-driven work, on the injected clock: the day-2 reminder, the expiry warning, expiry by
 * hold days (the unit expires the parcel too; whichever is first, the customer hears once),
 * lapsing allocations that were never deposited, failing commands whose lifetime ended before
 * their locker answered, and the alerts that end or begin with time (a throttle's end, a quiet
 * period, a locker offline too long). Each kind of work reads only what is due, by its due time
 * through an index, a page at a time, each page its own short transaction, so a pass over a
 * fleet never holds the store long. New work is one more entry in `work`.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { getLocker } from '../store/lockers';
import {
  dueForReminder,
  dueForWarning,
  dueToExpire,
  dueToLapse,
  markReminded,
  markWarned,
  saveParcel,
} from '../store/parcels';
import type { Commands } from './commands';
import { DAY_MS, type CloudContext } from './context';
import { recordParcelStatus } from './lifeStatus';
import { endDueAlerts, raiseOfflineAlerts } from './lockerAlerts';
import { notifyParcel } from './notifications';
import { requestRelease } from './releases';
import { lapseReturns } from './returns';
import { resendDue } from './commandResend';

export interface TickReport {
  reminders: number;
  warnings: number;
  expired: number;
  lapsed: number;
  /** Pending commands failed as expired. */
  commandsExpired: number;
  /** Expected returns lapsed. */
  returnsLapsed: number;
  /** Unanswered commands sent again (commandResend.ts). */
  commandsResent: number;
  /** Alerts cleared because their end time came (throttle over, quiet period). */
  alertsEnded: number;
  /** Lockers found offline longer than the threshold (an `offline` alert each). */
  offlineAlerts: number;
}

/** Due items handled per transaction: small enough that ingest waits at most one page. */
export const SCHEDULER_PAGE = 500;

/**
 * One kind of due work. `page` handles at most `limit` due items in the caller's transaction and
 * returns how many it took up (`selected`: fewer than `limit` means nothing more is due) and how
 * many the report counts (`done`).
 */
export interface DueWork {
  report: keyof TickReport;
  page(now: number, limit: number): { selected: number; done: number };
}

export class Scheduler {
  private readonly work: readonly DueWork[];

  constructor(
    private readonly ctx: CloudContext,
    private readonly commands: Commands,
    private readonly pageSize = SCHEDULER_PAGE,
  ) {
    this.work = [
      {
        report: 'commandsExpired',
        // One statement through commands_by_lifetime, however many.
        page: () => {
          const n = this.commands.expireDue().length;
          return { selected: 0, done: n };
        },
      },
      { report: 'lapsed', page: (now, limit) => this.lapse(now, limit) },
      {
        report: 'returnsLapsed',
        page: (now) => counted(lapseReturns(this.ctx, this.commands, now)),
      },
      { report: 'expired', page: (now, limit) => this.expire(now, limit) },
      { report: 'reminders', page: (now, limit) => this.remind(now, limit) },
      { report: 'warnings', page: (now, limit) => this.warn(now, limit) },
      { report: 'alertsEnded', page: (_now, limit) => counted(endDueAlerts(ctx, limit)) },
      { report: 'offlineAlerts', page: (_now, limit) => counted(raiseOfflineAlerts(ctx, limit)) },
    ];
  }

  async tick(): Promise<TickReport> {
    const report: TickReport = {
      reminders: 0,
      warnings: 0,
      expired: 0,
      lapsed: 0,
      commandsExpired: 0,
      returnsLapsed: 0,
      commandsResent: 0,
      alertsEnded: 0,
      offlineAlerts: 0,
    };
    const { db, clock } = this.ctx;
    for (const w of this.work) {
      for (;;) {
        const { selected, done } = db
          .transaction(() => w.page(clock.now(), this.pageSize))
          .immediate();
        report[w.report] += done;
        if (selected < this.pageSize) break;
        // Between pages, whatever else waits (an event batch, a request) goes first.
        await nextTurn();
      }
    }
    await this.commands.flush();
    report.commandsResent = resendDue(this.ctx, this.commands);
    return report;
  }

  private lapse(now: number, limit: number) {
    const due = dueToLapse(this.ctx.db, now, limit);
    // Its compartment is let go once the unit confirms (releases.ts).
    for (const p of due) requestRelease(this.ctx, this.commands, p, 'lapse', now);
    return { selected: due.length, done: due.length };
  }

  private expire(now: number, limit: number) {
    const due = dueToExpire(this.ctx.db, now, limit);
    let done = 0;
    for (const p of due) {
      const expired = { ...p, state: 'expired' as const };
      saveParcel(this.ctx.db, expired);
      if (notifyParcel(this.ctx, 'expired', expired, this.lockerName(p.lockerId))) done += 1;
      recordParcelStatus(this.ctx, 'parcel.expired', expired);
    }
    return { selected: due.length, done };
  }

  private remind(now: number, limit: number) {
    const before = now - this.ctx.policy.reminderAfterDays * DAY_MS;
    const due = dueForReminder(this.ctx.db, before, limit);
    let done = 0;
    for (const p of due) {
      if (notifyParcel(this.ctx, 'reminder', p, this.lockerName(p.lockerId))) done += 1;
      markReminded(this.ctx.db, p.allocationId, now);
    }
    return { selected: due.length, done };
  }

  private warn(now: number, limit: number) {
    const before = now + this.ctx.policy.expiryWarningHours * 3_600_000;
    const due = dueForWarning(this.ctx.db, before, limit);
    let done = 0;
    for (const p of due) {
      if (notifyParcel(this.ctx, 'expiry_warning', p, this.lockerName(p.lockerId))) done += 1;
      markWarned(this.ctx.db, p.allocationId, p.expiresAt!);
    }
    return { selected: due.length, done };
  }

  private lockerName(id: string): string {
    return getLocker(this.ctx.db, id)?.name ?? id;
  }
}

const counted = (n: number) => ({ selected: n, done: n });
