/**
 * The operation queue: one job at a time, people's requests in their order and board events in
 * theirs, a person waiting ahead of board events and time work still waiting, but never ahead
 * of the job already running.
 */
import { describe, expect, it } from 'vitest';
import { OperationQueue } from './operationQueue';

describe('the operation queue', () => {
  it('runs a waiting pickup before the board events waiting, after the one running', async () => {
    const queue = new OperationQueue();
    const ran: string[] = [];
    let running = 0;
    let release!: () => void;
    const job = (name: string, wait?: Promise<void>) => async () => {
      running += 1;
      expect(running).toBe(1); // alone
      ran.push(name);
      await wait;
      running -= 1;
    };
    const first = queue.runInBackground(
      job('door A closed', new Promise<void>((resolve) => (release = resolve))),
    );
    await Promise.resolve();
    const events = [
      queue.runInBackground(job('door B opened')),
      queue.runInBackground(job('tick')),
    ];
    const pickups = [queue.run(job('pickup 1')), queue.run(job('pickup 2'))];
    release();
    await Promise.all([first, ...events, ...pickups]);
    expect(ran).toEqual(['door A closed', 'pickup 1', 'pickup 2', 'door B opened', 'tick']);
  });

  it('hands back results and failures, and goes on after a failure', async () => {
    const queue = new OperationQueue();
    const failed = queue.runInBackground(() => {
      throw new Error('a bug');
    });
    const answered = queue.run(() => 42);
    await expect(failed).rejects.toThrow('a bug');
    expect(await answered).toBe(42);
  });

  it('is idle only once everything queued, and queued meanwhile, has run', async () => {
    const queue = new OperationQueue();
    const ran: string[] = [];
    void queue.run(async () => {
      ran.push('a');
      void queue.runInBackground(() => void ran.push('b'));
      await new Promise((resolve) => setTimeout(resolve, 5));
    });
    await queue.idle();
    expect(ran).toEqual(['a', 'b']);
    await queue.idle(); // nothing left: resolves at once
  });
});
