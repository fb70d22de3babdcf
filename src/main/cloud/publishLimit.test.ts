import { describe, expect, it } from 'vitest';
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

  it('refuses a limit that is not a whole number of at least one', () => {
    expect(() => new PublishLimit(0, () => 0)).toThrow(RangeError);
    expect(() => new PublishLimit(2.5, () => 0)).toThrow(RangeError);
  });
});
