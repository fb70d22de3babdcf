/**
 * Durable commits without the main thread waiting for the disk. A transaction committed by
 * `commit` is in the write-ahead log but not yet forced to disk (synchronous=NORMAL for it
 * alone); `sync` resolves once an fdatasync of the WAL file, run on libuv's threadpool and
 * started after that commit, has completed — the same guarantee synchronous=FULL gives at
 * COMMIT, without blocking the event loop for it. Callers answer, ack or publish only then.
 * Syncs coalesce: one in flight at a time, the next one covering every commit made meanwhile.
 */
import { open, type FileHandle } from 'node:fs/promises';
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

/**
 * fdatasync through a handle kept open: one round trip to libuv's threadpool per sync instead of
 * three (open, datasync, close), each of which waits its turn on a busy event loop (under reads,
 * ~180 ms each at the tail, bench/fleet.ts). The WAL file stays the same file while its
 * connection is open (SQLite deletes it only when the last connection closes; a checkpoint
 * rewinds or truncates it in place), so the handle stays valid until `close`.
 */
export class KeptOpenSync {
  private handle: Promise<FileHandle> | null = null;
  private file: string | null = null;

  readonly sync: DataSync = async (file) => {
    if (this.handle === null || this.file !== file) {
      void this.close();
      this.file = file;
      this.handle = open(file, 'r');
    }
    const handle = this.handle;
    try {
      await (await handle).datasync();
    } catch (e) {
      // Opened afresh next time (a file not there yet, a handle gone bad).
      if (this.handle === handle) {
        this.handle = null;
        void handle.then((h) => h.close()).catch(() => undefined);
      }
      throw e;
    }
  };

  /** The inode of the file the kept handle syncs (null: none open): what the path must still name. */
  async heldInode(): Promise<number | null> {
    if (!this.handle) return null;
    return (await (await this.handle).stat()).ino;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    if (handle) await handle.then((h) => h.close()).catch(() => undefined);
  }
}

export class WalSync {
  private readonly watchers = new Set<Watcher>();
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private readonly wal: string | null;
  private readonly immediate: (work: () => unknown) => unknown;

  private readonly kept: KeptOpenSync | null;
  private readonly dataSync: DataSync;

  constructor(
    private readonly db: Db,
    dataSync?: DataSync,
  ) {
    this.kept = dataSync ? null : new KeptOpenSync();
    this.dataSync = dataSync ?? this.kept!.sync;
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

  /** Lets the kept handle go; call before closing the connection. */
  close(): Promise<void> {
    return this.kept?.close() ?? Promise.resolve();
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
