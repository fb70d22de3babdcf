/**
 * Group commit: writes that arrive together share one transaction, and so one fsync, while each
 * keeps its own outcome. Each runs in a savepoint of its own, so one that throws is rolled back
 * alone; every caller is answered only once the shared COMMIT is durable, and if the COMMIT
 * fails, every caller of the group gets its error and nothing of the group is stored.
 */
import type { Db } from './database';

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Largest group, so one commit never holds the thread for long. */
const MAX_GROUP = 256;

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly savepoint: (work: () => unknown) => unknown;
  private readonly transaction: { immediate(group: Pending[]): Outcome[] };
  /** Groups committed and writes they held, for the benchmarks' figures. */
  readonly stats = { groups: 0, writes: 0 };

  constructor(private readonly db: Db) {
    // Called inside a transaction, better-sqlite3 runs these as SAVEPOINTs.
    this.savepoint = db.transaction((work: () => unknown) => work());
    this.transaction = db.transaction((group: Pending[]) =>
      group.map((item): Outcome => {
        try {
          return { ok: true, value: this.savepoint(item.work) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
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
    try {
      outcomes = this.transaction.immediate(group);
    } catch (error) {
      for (const item of group) item.reject(error);
      return;
    }
    this.stats.groups += 1;
    this.stats.writes += group.length;
    group.forEach((item, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  }
}
