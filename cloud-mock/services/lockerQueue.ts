/**
 * Ordering and room for ingest's work in flight: each locker's steps run one after another, in
 * the order they were queued, while different lockers' steps interleave (a locker's event batches
 * are stored in the order they arrived even when the checks before them finish out of order);
 * and a bound on how much is in flight at once.
 */
export class LockerQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `step` once every step queued before it for `lockerId` has settled. */
  run<T>(lockerId: string, step: () => T | Promise<T>): Promise<T> {
    const before = this.tails.get(lockerId) ?? Promise.resolve();
    const result = before.then(step);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(lockerId, tail);
    // The last step of a locker takes its entry with it.
    void tail.then(() => {
      if (this.tails.get(lockerId) === tail) this.tails.delete(lockerId);
    });
    return result;
  }
}

/** A count of work in flight with a limit; `wait` resolves while it is below the limit. */
export class Room {
  private inFlight = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  enter(): void {
    this.inFlight += 1;
  }

  leave(): void {
    this.inFlight -= 1;
    while (this.inFlight < this.limit && this.waiters.length > 0) this.waiters.shift()!();
  }

  /** Resolves once fewer than `limit` are in flight. */
  wait(): Promise<void> {
    if (this.inFlight < this.limit) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
