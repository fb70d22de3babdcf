/** Queries on processed_commands: the ids of cloud commands already handled (replay guard). */
import type { Db } from './database';

export interface ProcessedCommand {
  id: string;
  type: string;
  issuedAt: number;
  receivedAt: number;
}

/** Records a command id; false when it was already there (a replay). */
export function markCommandProcessed(db: Db, c: ProcessedCommand): boolean {
  const { changes } = db
    .prepare(
      `INSERT OR IGNORE INTO processed_commands (id, type, issued_at, received_at)
       VALUES (@id, @type, @issuedAt, @receivedAt)`,
    )
    .run(c);
  return changes === 1;
}

export function isCommandProcessed(db: Db, id: string): boolean {
  return db.prepare('SELECT 1 FROM processed_commands WHERE id = ?').get(id) !== undefined;
}

/**
 * Forgets ids issued before `issuedBefore` (epoch ms). Only safe for ids older than the
 * accepted issue window: such a command is refused as expired without the table.
 */
export function pruneProcessedCommands(db: Db, issuedBefore: number): number {
  return db.prepare('DELETE FROM processed_commands WHERE issued_at < ?').run(issuedBefore).changes;
}
