import { describe, expect, it } from 'vitest';
import { LockerQueue, Room } from './lockerQueue';

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LockerQueue', () => {
  it('runs a locker’s steps in the order queued, even when an earlier one takes longer', async () => {
    const queue = new LockerQueue();
    const done: string[] = [];
    await Promise.all([
      queue.run('A', async () => {
        await later(30);
        done.push('A1');
      }),
      queue.run('A', () => done.push('A2')),
      queue.run('B', () => done.push('B1')),
    ]);
    // B did not wait for A; A2 waited for A1.
    expect(done).toEqual(['B1', 'A1', 'A2']);
  });

  it('goes on with the next step after one that failed, and hands back each result', async () => {
    const queue = new LockerQueue();
    const failed = queue.run('A', () => Promise.reject(new Error('broken batch')));
    const next = queue.run('A', () => 42);
    await expect(failed).rejects.toThrow('broken batch');
    expect(await next).toBe(42);
  });
});

describe('Room', () => {
  it('lets work in while fewer than its limit are in flight, and the next in as one leaves', async () => {
    const room = new Room(2);
    room.enter();
    await room.wait();
    room.enter();
    let admitted = false;
    const waiting = room.wait().then(() => (admitted = true));
    await later(10);
    expect(admitted).toBe(false);
    room.leave();
    await waiting;
    expect(admitted).toBe(true);
  });
});
