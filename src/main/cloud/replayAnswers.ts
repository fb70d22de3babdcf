/**
 * Whether a command applied before and delivered again gets another answer. Not while its latest
 * answer is still held unacked in the outbox: the cloud will receive that one, and the resend
 * only came because it had not yet (after a reconnect, or on the cloud's resend timer), so a
 * second answer behind the backlog would tell it nothing. Once the cloud has acked that answer
 * and the command still comes (the cloud lost it, or someone replays a captured message), one
 * `replayed` answer, which is then the one waiting: at most one answer per ack, however often
 * the message comes. With no answer known (the process died while the door was opening) or one
 * already pruned (the cloud rewound below it), it is answered too, or the cloud would never hear.
 */
import type { Db } from '../store/database';
import { ackedSeq, checkpoint } from '../store/events';
import { answeredSeq } from '../store/processedCommands';

export type ReplayAnswer =
  | { answer: true }
  /** The latest answer, at `answeredSeq`, is still on its way to the cloud. */
  | { answer: false; answeredSeq: number };

/** Decides inside the caller's transaction, so the ack and the answer it reads stay put. */
export function replayAnswer(db: Db, commandId: string): ReplayAnswer {
  const seq = answeredSeq(db, commandId);
  if (seq === null || seq === undefined) return { answer: true };
  return answerOnItsWay(db, seq) ? { answer: false, answeredSeq: seq } : { answer: true };
}

/**
 * Whether the answer at `seq` will still reach the cloud: not acked yet and still held (an
 * answer pruned before the cloud rewound below it never goes again).
 */
export function answerOnItsWay(db: Db, seq: number): boolean {
  if (seq <= ackedSeq(db)) return false;
  const kept = checkpoint(db);
  return !(kept && seq <= kept.seq);
}
