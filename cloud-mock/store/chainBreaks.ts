/** Queries on the chain_breaks table: every link the verifier refused, for the audit view. */
import type { Db } from './database';
import { stmt } from './statements';

export interface ChainBreak {
  seq: number | null;
  reason: string;
  detail: string;
  at: number;
}

export function insertChainBreak(db: Db, lockerId: string, b: ChainBreak): void {
  stmt(
    db,
    'INSERT INTO chain_breaks (locker_id, seq, reason, detail, at) VALUES (?, ?, ?, ?, ?)',
  ).run(lockerId, b.seq, b.reason, b.detail, b.at);
}

export function listChainBreaks(db: Db, lockerId: string): ChainBreak[] {
  return stmt(
    db,
    'SELECT seq, reason, detail, at FROM chain_breaks WHERE locker_id = ? ORDER BY id',
  ).all(lockerId) as ChainBreak[];
}

/** The locker's latest break, or null (chain_breaks_by_locker). */
export function lastChainBreak(db: Db, lockerId: string): ChainBreak | null {
  return (
    (stmt(
      db,
      'SELECT seq, reason, detail, at FROM chain_breaks WHERE locker_id = ? ORDER BY id DESC LIMIT 1',
    ).get(lockerId) as ChainBreak | undefined) ?? null
  );
}
