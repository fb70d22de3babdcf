/**
 * One queue for everything that reads the board and changes door operations: people's requests
 * (a deposit, a pickup, a staff opening), board events (a door opened, a board readable again)
 * and time (jams, backstops). Each runs alone, so a reconciliation never sees a half-done unlock
 * and a door event never overtakes the request that caused it. A person waiting goes before
 * board events and time work still waiting (never before the job running): handling a door a
 * poll saw change can wait a moment, a customer at the keypad should not.
 */
interface Job {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class OperationQueue {
  private readonly people: Job[] = [];
  private readonly background: Job[] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];

  /** A person's request (or the cloud's on their behalf): before background work waiting. */
  run<T>(work: () => Promise<T> | T): Promise<T> {
    return this.enqueue(this.people, work);
  }

  /** Board events and time work: in their own order, after the people waiting. */
  runInBackground<T>(work: () => Promise<T> | T): Promise<T> {
    return this.enqueue(this.background, work);
  }

  /** Resolves once everything queued so far, and anything queued meanwhile, has run. */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue<T>(lane: Job[], work: () => Promise<T> | T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      lane.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.running) return;
      this.running = true;
      // As before: work starts after the caller's synchronous code, never inside it.
      queueMicrotask(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    for (let job = this.next(); job !== undefined; job = this.next()) {
      try {
        job.resolve(await job.work());
      } catch (error) {
        job.reject(error);
      }
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((resolve) => resolve());
  }

  private next(): Job | undefined {
    return this.people.shift() ?? this.background.shift();
  }
}
