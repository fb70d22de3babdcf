/**
 * Time-driven work, on the injected clock: the day-2 reminder, the expiry warning, expiry by
 * hold days (the unit expires the parcel too; whichever is first, the customer hears once),
 * lapsing allocations that were never deposited, and failing commands whose lifetime ended
 * before their locker answered.
 */
import { getLocker } from '../store/lockers';
import { listParcelsInState, saveParcel } from '../store/parcels';
import { resendDue } from './commandResend';
import type { Commands } from './commands';
import { DAY_MS, type CloudContext } from './context';
import { recordParcelStatus } from './lifeStatus';
import { notifyParcel } from './notifications';
import { requestRelease } from './releases';
import { lapseReturns } from './returns';

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
}

export class Scheduler {
  constructor(
    private readonly ctx: CloudContext,
    private readonly commands: Commands,
  ) {}

  async tick(): Promise<TickReport> {
    const report = this.ctx.db.transaction(() => this.due()).immediate();
    await this.commands.flush();
    report.commandsResent = resendDue(this.ctx, this.commands);
    return report;
  }

  private due(): TickReport {
    const { db, clock, policy } = this.ctx;
    const now = clock.now();
    const report: TickReport = {
      reminders: 0,
      warnings: 0,
      expired: 0,
      lapsed: 0,
      commandsExpired: this.commands.expireDue().length,
      returnsLapsed: lapseReturns(this.ctx, this.commands, now),
      commandsResent: 0,
    };
    const names = new Map<string, string>();
    const lockerName = (id: string) => {
      if (!names.has(id)) names.set(id, getLocker(db, id)?.name ?? id);
      return names.get(id)!;
    };
    for (const p of listParcelsInState(db, ['deposited', 'expected'])) {
      if (p.state === 'expected') {
        if (now < p.lapsesAt) continue;
        // Its compartment is let go once the unit confirms (releases.ts).
        requestRelease(this.ctx, this.commands, p, 'lapse', now);
        report.lapsed += 1;
        continue;
      }
      if (p.depositedAt === null || p.expiresAt === null) continue;
      const name = lockerName(p.lockerId);
      if (now >= p.expiresAt) {
        const expired = { ...p, state: 'expired' as const };
        saveParcel(db, expired);
        if (notifyParcel(this.ctx, 'expired', expired, name)) report.expired += 1;
        recordParcelStatus(this.ctx, 'parcel.expired', expired);
        continue;
      }
      if (now >= p.depositedAt + policy.reminderAfterDays * DAY_MS) {
        if (notifyParcel(this.ctx, 'reminder', p, name)) report.reminders += 1;
      }
      if (now >= p.expiresAt - policy.expiryWarningHours * 3_600_000) {
        if (notifyParcel(this.ctx, 'expiry_warning', p, name)) report.warnings += 1;
      }
    }
    return report;
  }
}
