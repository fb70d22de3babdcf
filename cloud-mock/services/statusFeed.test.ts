import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../store/database';
import { appendStatusEvent, statusEventsAfter, statusEventsBetween } from '../store/statusEvents';
import { fdatasyncFile, WalSync, type DataSync } from '../store/walSync';
import { StatusFeed } from './statusFeed';
import { recordStatus } from './statusEvents';

/** The real fdatasync, held until the test lets it go. */
function heldSync() {
  const gates: (() => void)[] = [];
  const sync: DataSync = async (file) => {
    await new Promise<void>((resolve) => gates.push(resolve));
    await fdatasyncFile(file);
  };
  const releaseNext = async () => {
    while (gates.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    gates.shift()!();
  };
  return { sync, releaseNext, waiting: () => gates.length };
}

const turn = () => new Promise((resolve) => setTimeout(resolve, 20));
const event = { type: 'parcel.deposited' as const, lockerId: 'L-1', parcelId: 'P-1' };

describe('StatusFeed: readers see only what is on disk', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'status-feed-'));
    db = openDatabase(join(dir, 'cloud.sqlite'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves the durable mark only when a sync started after the commit has finished', async () => {
    const held = heldSync();
    const wal = new WalSync(db, held.sync);
    const feed = new StatusFeed(db, wal);
    const marks: number[] = [];
    feed.onDurable((m) => marks.push(m));

    const id = wal.commit(() => appendStatusEvent(db, event, 1));
    const synced = wal.sync();
    // The connection already reads the row; the feed does not hand it out yet.
    expect(statusEventsAfter(db, 0, 10).map((e) => e.id)).toEqual([id]);
    expect(feed.durableId).toBe(0);
    expect(statusEventsBetween(db, 0, feed.durableId, 10)).toEqual([]);
    await turn();
    expect(marks).toEqual([]);

    await held.releaseNext();
    await synced;
    await turn();
    expect(feed.durableId).toBe(id);
    expect(marks).toEqual([id]);
    expect(statusEventsBetween(db, 0, feed.durableId, 10).map((e) => e.id)).toEqual([id]);
    feed.close();
  });

  it('never tells a row that was rolled back, and a commit made while a sync runs waits for the next one', async () => {
    const held = heldSync();
    const wal = new WalSync(db, held.sync);
    const feed = new StatusFeed(db, wal);
    expect(() =>
      wal.commit(() => {
        appendStatusEvent(db, event, 1);
        throw new Error('the change failed');
      }),
    ).toThrow('the change failed');
    const first = wal.commit(() => appendStatusEvent(db, event, 2));
    const firstSynced = wal.sync();
    // Committed after that sync began: not covered by it.
    const second = wal.commit(() => appendStatusEvent(db, event, 3));
    const secondSynced = wal.sync();
    await held.releaseNext();
    await firstSynced;
    await turn();
    expect(feed.durableId).toBe(first);
    expect(statusEventsBetween(db, 0, feed.durableId, 10).map((e) => e.at)).toEqual([
      new Date(2).toISOString(),
    ]);
    await held.releaseNext();
    await secondSynced;
    await turn();
    expect(feed.durableId).toBe(second);
    feed.close();
  });

  it('wakes readers for a status recorded in a plain transaction, which nobody else syncs after', async () => {
    const held = heldSync();
    const wal = new WalSync(db, held.sync);
    const feed = new StatusFeed(db, wal);
    const id = db.transaction(() => recordStatus({ db, clock: { now: () => 5 } }, event))();
    expect(feed.durableId).toBe(0);
    const moved = new Promise<number>((resolve) => feed.onDurable(resolve));
    // recordStatus nudged the feed: a sync starts once the transaction is over.
    while (held.waiting() === 0) await turn();
    await held.releaseNext();
    expect(await moved).toBe(id);
    expect(feed.durableId).toBe(id);
    feed.close();
  });

  it('starts from what the store holds when it opens', () => {
    db.transaction(() => appendStatusEvent(db, event, 1))();
    const id = db.transaction(() => appendStatusEvent(db, event, 2))();
    const feed = new StatusFeed(db, new WalSync(db, fdatasyncFile));
    expect(feed.durableId).toBe(id);
    feed.close();
  });
});
