import { afterEach, describe, expect, it, vi } from 'vitest';
import { PublishLimit } from './publishLimit';

describe('publish limit', () => {
  it('allows perSecond takes in any 1,000 ms, and the next once the oldest is a second old', () => {
    let t = 0;
    const limit = new PublishLimit(3, () => t);
    for (const at of [0, 100, 200]) {
      t = at;
      expect(limit.msUntilFree()).toBe(0);
      limit.take();
    }
    t = 300;
    expect(limit.msUntilFree()).toBe(700); // the take at 0 leaves the window at 1,000
    t = 1000;
    expect(limit.msUntilFree()).toBe(0);
    limit.take();
    t = 1050;
    expect(limit.msUntilFree()).toBe(50); // now the take at 100 is the oldest
  });

  describe('its first lane (presence, snapshots)', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('takes the first free slot ahead of every ordinary take, counted like any other', async () => {
      vi.useFakeTimers({ now: 0 });
      const limit = new PublishLimit(3, () => Date.now());
      for (let i = 0; i < 3; i++) limit.take();
      vi.advanceTimersByTime(300);
      const order: string[] = [];
      void limit.takeFirst().then(() => order.push('presence'));
      void limit.takeFirst().then(() => order.push('snapshot'));
      // Batches wait while presence and the snapshot do, even when a slot has come free.
      expect(limit.msUntilFree()).toBe(700);
      vi.advanceTimersByTime(700);
      expect(limit.msUntilFree()).toBe(0); // both went in the slots that came free at 1,000
      await Promise.resolve();
      expect(order).toEqual(['presence', 'snapshot']);
      limit.take(); // the third slot freed at 1,000 goes to a batch
      expect(limit.msUntilFree()).toBe(1000);
    });

    it('serves a waiting take on its own timer, and drops those waiting when told', async () => {
      vi.useFakeTimers({ now: 0 });
      const limit = new PublishLimit(1, () => Date.now());
      limit.take();
      let granted = false;
      void limit.takeFirst().then(() => (granted = true));
      const dropped = limit.takeFirst();
      await vi.advanceTimersByTimeAsync(1000);
      expect(granted).toBe(true);
      limit.dropWaiting(new Error('not connected'));
      await expect(dropped).rejects.toThrow('not connected');
      expect(vi.getTimerCount()).toBe(0);
      expect(limit.msUntilFree()).toBe(1000); // the granted take's slot; the dropped took none
    });
  });

  it('refuses a limit that is not a whole number of at least one', () => {
    expect(() => new PublishLimit(0, () => 0)).toThrow(RangeError);
    expect(() => new PublishLimit(2.5, () => 0)).toThrow(RangeError);
  });
});
