/**
 * Queries on ack_receipts: when the cloud confirmed how far, kept an hour at a time (the last
 * ack of each hour, at its time), so pruning can wait until a confirmation is old enough.
 */
import type { Db } from './database';
import { stmt } from './statements';

const HOUR_MS = 3_600_000;

/** An ack advanced to `upToSeq` at `receivedAt` (epoch ms); replaces this hour's row. */
export function recordAckReceipt(db: Db, upToSeq: number, receivedAt: number): void {
  stmt(
    db,
    `INSERT INTO ack_receipts (hour, up_to_seq, received_at) VALUES (?, ?, ?)
     ON CONFLICT (hour) DO UPDATE SET up_to_seq = excluded.up_to_seq,
       received_at = excluded.received_at`,
  ).run(Math.floor(receivedAt / HOUR_MS), upToSeq, receivedAt);
}

/**
 * The cloud rewound to `seq`: its confirmations beyond that no longer count (those up to it
 * are confirmed again by the acks to come, later, which only delays pruning).
 */
export function forgetReceiptsAbove(db: Db, seq: number): void {
  stmt(db, 'DELETE FROM ack_receipts WHERE up_to_seq > ?').run(seq);
}

/** The highest seq an ack received at or before `before` (epoch ms) confirmed; 0 if none. */
export function confirmedBy(db: Db, before: number): number {
  const row = stmt(db, 'SELECT max(up_to_seq) AS seq FROM ack_receipts WHERE received_at <= ?').get(
    before,
  ) as { seq: number | null };
  return row.seq ?? 0;
}

/** Rows that can no longer hold anything back: their seqs are pruned. */
export function dropReceiptsUpTo(db: Db, seq: number): void {
  stmt(db, 'DELETE FROM ack_receipts WHERE up_to_seq <= ?').run(seq);
}
