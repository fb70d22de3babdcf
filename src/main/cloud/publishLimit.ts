/**
 * The one publish limit every publish of the unit counts against (event batches, presence and
 * the state snapshot alike), holding in every window: at most `perSecond` takes in any 1,000 ms,
 * the way a broker counting publishes per second per connection sees them (DESIGN §5: 100).
 * Presence and snapshots wait in a first lane: each takes the first free slot, ahead of batches.
 */
export class PublishLimit {
  /** When each of the last `perSecond` takes happened, oldest first. */
  private readonly taken: number[] = [];
  /** Takes waiting in the first lane, in order. */
  private readonly first: { granted: () => void; dropped: (e: Error) => void }[] = [];
  private firstTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {
    if (!Number.isInteger(perSecond) || perSecond < 1) {
      throw new RangeError('PublishLimit: perSecond must be a whole number ≥ 1');
    }
  }

  /** Milliseconds until a take stays within the limit (0: now); not 0 while the first lane waits. */
  msUntilFree(): number {
    this.serveFirst();
    const wait = this.slotWait();
    return this.first.length > 0 ? Math.max(1, wait) : wait;
  }

  /** Records a take; call only when msUntilFree() is 0. */
  take(): void {
    this.taken.push(this.now());
    if (this.taken.length > this.perSecond) this.taken.shift();
  }

  /**
   * A take in the first lane: resolves once it has taken the first free slot (publish then),
   * ahead of every ordinary take; rejects when dropped.
   */
  takeFirst(): Promise<void> {
    return new Promise((granted, dropped) => {
      this.first.push({ granted, dropped });
      this.serveFirst();
    });
  }

  /** Drops the first-lane takes still waiting (the connection they were for is gone). */
  dropWaiting(reason: Error): void {
    clearTimeout(this.firstTimer);
    this.firstTimer = undefined;
    for (const waiting of this.first.splice(0)) waiting.dropped(reason);
  }

  private slotWait(): number {
    if (this.taken.length < this.perSecond) return 0;
    return Math.max(0, Math.ceil(this.taken[0]! + 1000 - this.now()));
  }

  private serveFirst(): void {
    while (this.first.length > 0 && this.slotWait() === 0) {
      this.take();
      this.first.shift()!.granted();
    }
    if (this.first.length === 0 || this.firstTimer !== undefined) return;
    this.firstTimer = setTimeout(() => {
      this.firstTimer = undefined;
      this.serveFirst();
    }, this.slotWait());
  }
}
