/**
 * Resends, on a timer, every pending command the unit has not answered: not only when its
 * presence turns online, since a publish can be lost with the unit online (a broker restarted
 * without persistence, a subscription not yet renewed). The wait doubles after each send, from
 * 30 s up to 15 min; a resend is the stored command exactly as signed, so the unit applies it
 * at most once (it answers a repeat `replayed` once its first answer was acked; a resend while
 * that answer is still on its way gets none).
 */
import { listDueCommands, markResent } from '../store/commands';
import type { Commands } from './commands';
import type { CloudContext } from './context';

const FIRST_MS = 30_000;
const MOST_MS = 15 * 60_000;
/** Sent per pass at most; the rest wait for the next pass, oldest first. */
const PER_PASS = 500;

/** How long after its `attempts`-th send a command still unanswered is sent again. */
export function resendDelayMs(attempts: number): number {
  return Math.min(MOST_MS, FIRST_MS * 2 ** Math.max(0, attempts - 1));
}

/** One pass: fails what has expired, then resends what is due. Returns how many were sent. */
export function resendDue(ctx: CloudContext, commands: Commands): number {
  const now = ctx.clock.now();
  const due = ctx.db
    .transaction(() => {
      commands.expireDue();
      const listed = listDueCommands(ctx.db, now, PER_PASS);
      for (const c of listed) markResent(ctx.db, c.id, now + resendDelayMs(c.sendAttempts + 1));
      return listed;
    })
    .immediate();
  // A command expired unanswered may have issued a cancel (commandOutcomes.ts): sent now.
  void commands.flush();
  if (due.length > 0) ctx.log.info({ commands: due.length }, 'resending unanswered commands');
  // Not awaited: with the broker down a publish waits for it, and this pass must not.
  for (const c of due) void commands.resend(c);
  return due.length;
}
