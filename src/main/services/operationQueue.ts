/**
 * One queue for everything that reads the board and changes door operations: people's requests
 * (a deposit, a pickup, a staff opening), board events (a door opened, a board readable again)
 * and time (jams, backstops). Each runs alone, so a reconciliation never sees a half-done unlock
 * and a door event never overtakes the request that caused it.
 */
export class OperationQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T> | T): Promise<T> {
    const job = this.tail.then(work);
    this.tail = job.catch(() => undefined);
    return job;
  }

  /** Resolves once everything queued so far has run. */
  async idle(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.tail;
      await seen;
    } while (seen !== this.tail);
  }
}
