/**
 * Bench support: what the cloud's SQLite file says after a run, read on a connection of the
 * bench's own: promises beyond capacity, and the event chains it stored.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';

const open = (dataDir: string) =>
  new Database(join(dataDir, 'cloud.sqlite'), { readonly: true, fileMustExist: true });

export interface PromiseCount {
  /**
   * Allocations and returns still expected (or cancelled, not yet confirmed by the unit), plus
   * compartments already taken, over all.
   */
  live: number;
  /** Sum over lockers and sizes of what is live beyond the compartments of that size. */
  overPromised: number;
}

/**
 * For each locker and size: expected parcels + expected returns + compartments not available
 * must not exceed the compartments of that size.
 */
export function countPromises(dataDir: string): PromiseCount {
  const db = open(dataDir);
  try {
    const rows = db
      .prepare(
        `WITH capacity AS (
           SELECT locker_id, size, COUNT(*) AS n,
                  SUM(state != 'available' OR door_open IS 1) AS taken
           FROM compartments GROUP BY locker_id, size),
         promised AS (
           SELECT locker_id, size, COUNT(*) AS n FROM parcels
           WHERE (state = 'expected' OR release_pending IS NOT NULL) AND size IS NOT NULL
           GROUP BY locker_id, size
           UNION ALL
           SELECT locker_id, size, COUNT(*) AS n FROM returns
           WHERE state = 'expected' OR release_pending IS NOT NULL GROUP BY locker_id, size)
         SELECT c.locker_id, c.size, c.n AS capacity,
                c.taken + COALESCE((SELECT SUM(p.n) FROM promised p
                  WHERE p.locker_id = c.locker_id AND p.size = c.size), 0) AS live
         FROM capacity c`,
      )
      .all() as { capacity: number; live: number }[];
    return {
      live: rows.reduce((sum, r) => sum + r.live, 0),
      overPromised: rows.reduce((sum, r) => sum + Math.max(0, r.live - r.capacity), 0),
    };
  } finally {
    db.close();
  }
}

export interface StoredChain {
  lockerId: string;
  events: number;
  chainSeq: number;
  flagged: boolean;
  breaks: number;
}

/** Per locker: events stored, the acked head, whether a broken link flagged it. */
export function storedChains(dataDir: string): StoredChain[] {
  const db = open(dataDir);
  try {
    return db
      .prepare(
        `SELECT l.id AS lockerId, l.chain_seq AS chainSeq, l.flagged = 1 AS flagged,
                (SELECT COUNT(*) FROM events e WHERE e.locker_id = l.id) AS events,
                (SELECT COUNT(*) FROM chain_breaks b WHERE b.locker_id = l.id) AS breaks
         FROM lockers l ORDER BY l.id`,
      )
      .all()
      .map((r) => {
        const row = r as Omit<StoredChain, 'flagged'> & { flagged: number };
        return { ...row, flagged: row.flagged === 1 };
      });
  } finally {
    db.close();
  }
}
