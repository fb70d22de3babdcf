/**
 * Answers the bus is still owed: requests written but not answered in time, whose replies may
 * yet arrive, later than any guard. A frame that could be one of them pays that debt off instead
 * of acknowledging a different request, so a late reply is never taken for an unlock's
 * acknowledgement (a Kerong query reply and a lock 1 acknowledgement are the same bytes).
 */
import { sameBytes } from './requestEcho';

interface Owed<R> {
  request: Uint8Array;
  isAnswer: (reply: R) => boolean;
  /** performance.now() after which the reply is no longer expected. */
  until: number;
}

export class OwedAnswers<R> {
  private owed: Owed<R>[] = [];

  /** `horizonMs`: how long a reply is still expected after its attempt ended; 0 = never. */
  constructor(private readonly horizonMs: number) {}

  add(request: Uint8Array, isAnswer: (reply: R) => boolean, now: number): void {
    if (this.horizonMs > 0) this.owed.push({ request, isAnswer, until: now + this.horizonMs });
  }

  /**
   * Whether `frame` may be the late answer to an owed request; if so, the oldest such debt is
   * paid. A request identical to `current` does not count: its late answer answers the same
   * question (a query asked again), and it stays owed until its own frame comes or it expires.
   */
  settle(frame: R, current: Uint8Array | undefined, now: number): boolean {
    this.owed = this.owed.filter((owed) => owed.until > now);
    const index = this.owed.findIndex(
      (owed) =>
        (current === undefined || !sameBytes(owed.request, current)) && owed.isAnswer(frame),
    );
    if (index < 0) return false;
    this.owed.splice(index, 1);
    return true;
  }
}
