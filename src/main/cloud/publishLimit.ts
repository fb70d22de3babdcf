/**
 * A publish limit that holds in every window: at most `perSecond` takes in any 1,000 ms, the way
 * a broker counting publishes per second per connection sees them (DESIGN §5: 100).
 */
export class PublishLimit {
  /** When each of the last `perSecond` takes happened, oldest first. */
  private readonly taken: number[] = [];

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {
    if (!Number.isInteger(perSecond) || perSecond < 1) {
      throw new RangeError('PublishLimit: perSecond must be a whole number ≥ 1');
    }
  }

  /** Milliseconds until a take stays within the limit (0: now). */
  msUntilFree(): number {
    if (this.taken.length < this.perSecond) return 0;
    return Math.max(0, Math.ceil(this.taken[0]! + 1000 - this.now()));
  }

  /** Records a take; call only when msUntilFree() is 0. */
  take(): void {
    this.taken.push(this.now());
    if (this.taken.length > this.perSecond) this.taken.shift();
  }
}
