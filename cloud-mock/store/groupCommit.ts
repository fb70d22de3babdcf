/**
 * Group commit: writes that arrive together share one transaction, and so one fsync, while each
 * keeps its own outcome. Each runs in a savepoint of its own, so one that throws is rolled back
 * alone; every caller is answered only once the shared COMMIT is durable (the fsync runs off the
 * event loop, WalSync, so the next group can form and commit meanwhile), and if the COMMIT or
 * its sync fails, every caller of the group gets the error.
 */
import type { Db } from './database';
import { walSyncOf, type WalSync } from './walSync';

/** What runs around each group's commit, for what may leave the process only once it is durable. */
export interface CommitHooks<T> {
  /** Right after the COMMIT, before the disk has it: e.g. take the commands the group issued. */
  atCommit(): T;
  /** Once the commit is on disk, before any caller is answered: e.g. publish them. */
  whenDurable(taken: T): void;
}

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Largest group, so one commit never holds the thread for long. */
const MAX_GROUP = 256;

export class GroupCommit<T = void> {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly savepoint: (work: () => unknown) => unknown;
  /** Groups committed and writes they held, for the benchmarks' figures. */
  readonly stats = { groups: 0, writes: 0 };

  constructor(
    db: Db,
    private readonly hooks: CommitHooks<T> | null = null,
    private readonly wal: WalSync = walSyncOf(db),
  ) {
    // Called inside a transaction, better-sqlite3 runs this as a SAVEPOINT.
    this.savepoint = db.transaction((work: () => unknown) => work());
  }

  /**
   * Runs `work` (synchronous, on this connection) in the next group; resolves with what it
   * returned, once the group's commit is durable.
   */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // After the I/O callbacks of this turn: every request that arrived with this one joins it.
    setImmediate(() => this.commit());
  }

  private commit(): void {
    this.scheduled = false;
    const group = this.queue.splice(0, MAX_GROUP);
    if (this.queue.length > 0) this.schedule();
    let outcomes: Outcome[];
    let taken: T;
    try {
      outcomes = this.wal.commit(() =>
        group.map((item): Outcome => {
          try {
            return { ok: true, value: this.savepoint(item.work) };
          } catch (error) {
            return { ok: false, error };
          }
        }),
      );
      taken = this.hooks ? this.hooks.atCommit() : (undefined as T);
    } catch (error) {
      for (const item of group) item.reject(error);
      return;
    }
    this.stats.groups += 1;
    this.stats.writes += group.length;
    this.wal.sync().then(
      () => {
        this.hooks?.whenDurable(taken);
        group.forEach((item, i) => {
          const outcome = outcomes[i]!;
          if (outcome.ok) item.resolve(outcome.value);
          else item.reject(outcome.error);
        });
      },
      (error: unknown) => {
        for (const item of group) item.reject(error);
      },
    );
  }
}
