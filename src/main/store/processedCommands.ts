/**
 * Queries on processed_commands: the ids of cloud commands already applied (the replay guard),
 * each kept until its lifetime has ended, with the seq of its latest answer in the event chain.
 */
import type { Db } from './database';
import { stmt } from './statements';

export interface ProcessedCommand {
  id: string;
  type: string;
  issuedAt: number;
  /** End of the command's lifetime (epoch ms); null: it never expires, so neither does its id. */
  notAfter: number | null;
  receivedAt: number;
}

/** Records the id of a command being applied; false when it was there already (a replay). */
export function markCommandProcessed(db: Db, c: ProcessedCommand): boolean {
  const { changes } = stmt(
    db,
    `INSERT OR IGNORE INTO processed_commands (id, type, issued_at, not_after, received_at)
       VALUES (@id, @type, @issuedAt, @notAfter, @receivedAt)`,
  ).run(c);
  return changes === 1;
}

/**
 * The seq of the latest `command.result` the unit wrote for an applied command: null when none
 * is known (the door was still opening when the process died, or the answer was pruned before
 * migration 12), undefined when the id is not recorded.
 */
export function answeredSeq(db: Db, id: string): number | null | undefined {
  const row = stmt(db, 'SELECT answered_seq AS seq FROM processed_commands WHERE id = ?').get(
    id,
  ) as { seq: number | null } | undefined;
  return row?.seq;
}

/** Records where an applied command's latest answer sits; call in the answer's transaction. */
export function setAnsweredSeq(db: Db, id: string, seq: number): void {
  stmt(db, 'UPDATE processed_commands SET answered_seq = ? WHERE id = ?').run(seq, id);
}

export function isCommandProcessed(db: Db, id: string): boolean {
  return stmt(db, 'SELECT 1 FROM processed_commands WHERE id = ?').get(id) !== undefined;
}

/**
 * Forgets ids whose lifetime ended before `expiredBefore` (epoch ms). Only safe for commands
 * that are refused as expired by then without the table.
 */
export function pruneProcessedCommands(db: Db, expiredBefore: number): number {
  return stmt(db, 'DELETE FROM processed_commands WHERE not_after < ?').run(expiredBefore).changes;
}
