/**
 * What the cloud holds for one locker, read from its own SQLite file after a drill: every seq
 * exactly once, stored in seq order, each event linked to the one before by its hash.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface CloudLedger {
  /** Event rows stored for the locker. */
  rows: number;
  distinct: number;
  maxSeq: number;
  /** Seqs missing below the highest stored one. */
  gaps: number;
  /** Events stored after one with a higher seq (the store's insertion order against seq). */
  outOfOrder: number;
  /** Events whose prevHash is not the hash of the event before. */
  brokenLinks: number;
  /** Parcels that got more than one pickup-code notification. */
  notifiedTwice: number;
  /** What the cloud believes of the locker's presence now. */
  presence: string;
}

export function readCloudLedger(cloudDataDir: string, lockerId: string): CloudLedger {
  const db = new Database(join(cloudDataDir, 'cloud.sqlite'), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    const rows = db
      .prepare('SELECT seq, hash, event FROM events WHERE locker_id = ? ORDER BY rowid')
      .all(lockerId) as { seq: number; hash: string; event: string }[];
    const bySeq = new Map<number, { hash: string; prevHash: string }>();
    let outOfOrder = 0;
    let highest = 0;
    for (const r of rows) {
      if (r.seq < highest) outOfOrder += 1;
      highest = Math.max(highest, r.seq);
      const { prevHash } = JSON.parse(r.event) as { prevHash: string };
      bySeq.set(r.seq, { hash: r.hash, prevHash });
    }
    let brokenLinks = 0;
    for (const [seq, e] of bySeq) {
      const before = bySeq.get(seq - 1);
      if (before && before.hash !== e.prevHash) brokenLinks += 1;
    }
    const twice = db
      .prepare(
        `SELECT count(*) AS n FROM (SELECT parcel_id FROM notifications
         WHERE locker_id = ? AND kind = 'pickup_code' GROUP BY parcel_id HAVING count(*) > 1)`,
      )
      .get(lockerId) as { n: number };
    const presence = db.prepare('SELECT presence FROM lockers WHERE id = ?').get(lockerId) as
      { presence: string } | undefined;
    return {
      presence: presence?.presence ?? 'missing',
      rows: rows.length,
      distinct: bySeq.size,
      maxSeq: highest,
      gaps: highest - bySeq.size,
      outOfOrder,
      brokenLinks,
      notifiedTwice: twice.n,
    };
  } finally {
    db.close();
  }
}

/** The plain codes the cloud sent customers (the notification inbox), by parcel or return id. */
export function readSentCodes(cloudDataDir: string, lockerId: string): Map<string, string> {
  const db = new Database(join(cloudDataDir, 'cloud.sqlite'), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    const rows = db
      .prepare(
        `SELECT coalesce(parcel_id, return_id) AS owner, code FROM notifications
         WHERE locker_id = ? AND code IS NOT NULL ORDER BY id`,
      )
      .all(lockerId) as { owner: string; code: string }[];
    return new Map(rows.map((r) => [r.owner, r.code]));
  } finally {
    db.close();
  }
}
