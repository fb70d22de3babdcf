/**
 * The durable edge of status_events: readers (webhooks, Server-Sent Events, the status page)
 * read only ids up to the last one known to be on disk, and are woken when that mark moves. The
 * mark moves when a WAL sync that started after the commit finishes (WalSync.watch), so a row
 * that is later rolled back, or lost with the power, is never told.
 */
import type { Db } from '../store/database';
import { lastStatusEventId } from '../store/statusEvents';
import { walSyncOf, type WalSync } from '../store/walSync';

// One per connection, so recordStatus (which knows only the connection) can wake its readers.
const byConnection = new WeakMap<Db, StatusFeed>();

export class StatusFeed {
  private durable: number;
  /** The highest id a sync has started to cover. */
  private probed: number;
  private nudged = false;
  private readonly listeners = new Set<(durableId: number) => void>();
  private readonly unwatch: () => void;

  constructor(
    private readonly db: Db,
    private readonly wal: WalSync = walSyncOf(db),
  ) {
    // What the store holds when it opens was read back from disk.
    this.durable = this.probed = lastStatusEventId(db);
    this.unwatch = wal.watch(
      () => (this.probed = Math.max(this.probed, lastStatusEventId(db))),
      (mark) => this.advance(mark),
    );
    byConnection.set(db, this);
  }

  /** The last id on disk: read nothing after it. */
  get durableId(): number {
    return this.durable;
  }

  /** Calls `listener` with the new mark each time it moves; returns the unsubscribe. */
  onDurable(listener: (durableId: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A status event was just recorded: once its transaction is over, make sure a sync covers it
   * (a commit at synchronous=FULL is on disk already, but nobody would sync after it).
   */
  nudge(): void {
    if (this.nudged) return;
    this.nudged = true;
    setImmediate(() => {
      this.nudged = false;
      if (this.db.open && lastStatusEventId(this.db) > this.probed)
        void this.wal.sync().catch(() => undefined);
    });
  }

  close(): void {
    this.unwatch();
    this.listeners.clear();
    if (byConnection.get(this.db) === this) byConnection.delete(this.db);
  }

  private advance(mark: number): void {
    if (mark <= this.durable) return;
    this.durable = mark;
    for (const listener of [...this.listeners]) listener(mark);
  }
}

/** Wakes the readers of this connection's feed, if it has one. */
export function nudgeStatusFeed(db: Db): void {
  byConnection.get(db)?.nudge();
}
