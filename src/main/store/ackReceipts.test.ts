import { describe, expect, it } from 'vitest';
import {
  confirmedBy,
  dropReceiptsUpTo,
  forgetReceiptsAbove,
  recordAckReceipt,
} from './ackReceipts';
import { openDatabase } from './database';

const HOUR = 3_600_000;
const T = Date.parse('2026-11-22T10:00:00.000Z');
const rows = (db: ReturnType<typeof openDatabase>) =>
  (db.prepare('SELECT count(*) AS n FROM ack_receipts').get() as { n: number }).n;

describe('ack receipts (migration 9)', () => {
  it('keeps one row an hour, at the time of that hour’s last ack, so a seq is never confirmed earlier than it was', () => {
    const db = openDatabase(':memory:');
    expect(confirmedBy(db, T + 10 * HOUR)).toBe(0);
    recordAckReceipt(db, 10, T);
    recordAckReceipt(db, 20, T + 30 * 60_000);
    recordAckReceipt(db, 30, T + 70 * 60_000);
    expect(rows(db)).toBe(2);
    // Seq 10 was acked at T, but its hour's row says T+30 min: later, never sooner.
    expect(confirmedBy(db, T)).toBe(0);
    expect(confirmedBy(db, T + 30 * 60_000)).toBe(20);
    expect(confirmedBy(db, T + 70 * 60_000)).toBe(30);
  });

  it('forgets confirmations above a rewind, and drops rows whose events are pruned', () => {
    const db = openDatabase(':memory:');
    recordAckReceipt(db, 10, T);
    recordAckReceipt(db, 20, T + HOUR);
    recordAckReceipt(db, 30, T + 2 * HOUR);
    forgetReceiptsAbove(db, 15);
    expect(confirmedBy(db, T + 5 * HOUR)).toBe(10);
    recordAckReceipt(db, 25, T + 3 * HOUR);
    dropReceiptsUpTo(db, 10);
    expect(rows(db)).toBe(1);
    expect(confirmedBy(db, T + 2 * HOUR)).toBe(0);
    expect(confirmedBy(db, T + 3 * HOUR)).toBe(25);
  });
});
