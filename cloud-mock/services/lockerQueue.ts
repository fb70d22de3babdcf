/**
 * Runs each locker's steps one after another, in the order they were queued, while different
 * lockers' steps interleave: a locker's event batches are stored in the order they arrived even
 * when the checks before them finish out of order.
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
