/**
 * The unit's latest answer to each signed command it refused, kept in memory. A refusal records
 * no id (the command may come again and be applied once valid), but the same refusal again while
 * its answer is still on its way tells the cloud nothing: the cloud resends a `not_yet_valid`
 * command on every reconnect and timer, and during a long backlog each resend would add an event
 * (the broker drill's finding, for refusals). Lost on a restart, which costs one answer at most.
 */
import type { Db } from '../store/database';
import { answerOnItsWay } from './replayAnswers';

/** Refusals remembered at most; the oldest is forgotten first (it then gets an answer again). */
const REMEMBERED = 1000;

export class RefusalAnswers {
  private readonly latest = new Map<string, { reason: string; seq: number }>();

  constructor(private readonly remembered = REMEMBERED) {}

  /** The seq of the same refusal's answer while it is still on its way; null: answer this one. */
  onItsWay(db: Db, commandId: string, reason: string): number | null {
    const last = this.latest.get(commandId);
    if (!last || last.reason !== reason) return null;
    return answerOnItsWay(db, last.seq) ? last.seq : null;
  }

  /** Remembers a refusal's answer once its transaction has committed. */
  answered(commandId: string, reason: string, seq: number): void {
    this.latest.delete(commandId);
    this.latest.set(commandId, { reason, seq });
    if (this.latest.size > this.remembered) this.latest.delete(this.latest.keys().next().value!);
  }
}
