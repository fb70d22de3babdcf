/**
 * Durable commits without the main thread waiting for the disk. A transaction committed by
 * `commit` is in the write-ahead log but not yet forced to disk (synchronous=NORMAL for it
 * alone); `sync` resolves once an fdatasync of the WAL file, run on libuv's threadpool and
 * started after that commit, has completed — the same guarantee synchronous=FULL gives at
 * COMMIT, without blocking the event loop for it. Callers answer, ack or publish only then.
 * Syncs coalesce: one in flight at a time, the next one covering every commit made meanwhile.
 */
import { open } from 'node:fs/promises';
import type { Db } from './database';

/** Forces a file's data (and size) to disk. */
export type DataSync = (file: string) => Promise<void>;

export const fdatasyncFile: DataSync = async (file) => {
  const handle = await open(file, 'r');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
};

/** Told, once a sync has finished, what `probe` read as it started: e.g. the last id on disk. */
interface Watcher {
  probe: () => unknown;
  durable: (mark: unknown) => void;
}

export class WalSync {
  private readonly watchers = new Set<Watcher>();
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private readonly wal: string | null;
  private readonly immediate: (work: () => unknown) => unknown;

  constructor(
    private readonly db: Db,
    private readonly dataSync: DataSync = fdatasyncFile,
  ) {
    this.wal = db.memory ? null : `${db.name}-wal`;
    const tx = db.transaction((work: () => unknown) => work());
    this.immediate = (work) => tx.immediate(work);
  }

  /**
   * Runs `work` in an IMMEDIATE transaction whose COMMIT does not wait for the disk; call
   * `sync` before telling anyone it is stored. The connection is back at synchronous=FULL after.
   */
  commit<T>(work: () => T): T {
    this.db.pragma('synchronous = NORMAL');
    try {
      return this.immediate(work) as T;
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  /** Resolves once everything committed on this connection before the call is on disk. */
  sync(): Promise<void> {
    if (this.next) return this.next;
    if (!this.running) return this.start();
    // The sync in flight may have begun before the caller's commit: the one after it covers it.
    const after = () => {
      this.next = null;
      return this.start();
    };
    this.next = this.running.then(after, after);
    return this.next;
  }

  /**
   * Calls `probe` as each sync starts (it reads what is committed then) and `durable` with its
   * answer once that sync has finished: what the probe saw is on disk. Returns the unwatch.
   */
  watch<T>(probe: () => T, durable: (mark: T) => void): () => void {
    const watcher: Watcher = { probe, durable: durable as (mark: unknown) => void };
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  private start(): Promise<void> {
    const wal = this.wal;
    // Inside a transaction a probe could see what is not committed: that sync marks nothing.
    const marks = this.db.inTransaction
      ? []
      : [...this.watchers].map((w) => [w, w.probe()] as const);
    const run: Promise<void> = wal === null ? Promise.resolve() : this.dataSync(wal);
    const done = run.finally(() => {
      if (this.running === done) this.running = null;
    });
    void run.then(
      () => {
        for (const [w, mark] of marks) w.durable(mark);
      },
      () => undefined, // the callers of sync() hear of the failure
    );
    this.running = done;
    return done;
  }
}

// One per connection, so every deferred commit on it shares the same coalesced syncs.
const byConnection = new WeakMap<Db, WalSync>();

/** The WalSync of this connection. */
export function walSyncOf(db: Db): WalSync {
  let sync = byConnection.get(db);
  if (!sync) byConnection.set(db, (sync = new WalSync(db)));
  return sync;
}
