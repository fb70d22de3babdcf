/**
 * Answers the bus is still owed: requests written but not answered in time, whose replies may
 * yet arrive, later than any guard. A frame that could be one of them pays that debt off instead
 * of answering a later exchange: a late reply is never taken for an unlock's acknowledgement (a
 * Kerong query reply and a lock 1 acknowledgement are the same bytes), nor for a later query's
 * reading (it may show the doors as they were before a pulse). Only the attempts of the same
 * exchange answer each other's question.
 *
 * A frame that paid an earlier debt may in truth have been the current exchange's own answer
 * (the earlier one was lost, not late). Then the current exchange, left unanswered, is owed in
 * its place but only until the paid debt would have lapsed: one lost reply makes the board
 * unreadable for at most the horizon, instead of each exchange's answer paying the last one's
 * debt for ever.
 */
interface Owed<R> {
  /** The exchange whose attempt is owed an answer. */
  exchange: number;
  isAnswer: (reply: R) => boolean;
  /** performance.now() after which the reply is no longer expected. */
  until: number;
}

export class OwedAnswers<R> {
  private owed: Owed<R>[] = [];

  /** `horizonMs`: how long a reply is still expected after its attempt ended; 0 = never. */
  constructor(private readonly horizonMs: number) {}

  /** Exchange `exchange` went unanswered at `now`; `inheritedUntil`: see the class comment. */
  add(
    exchange: number,
    isAnswer: (reply: R) => boolean,
    now: number,
    inheritedUntil?: number,
  ): void {
    if (this.horizonMs <= 0) return;
    this.owed.push({ exchange, isAnswer, until: inheritedUntil ?? now + this.horizonMs });
  }

  /**
   * Whether `frame` may be the late answer to a request of an earlier exchange than `current`
   * (undefined: nobody is asking); if so, the oldest such debt is paid and its lapse time
   * returned (else undefined). An earlier attempt of the current exchange does not count: its
   * late answer answers the same question, asked after the same moment.
   */
  settle(frame: R, current: number | undefined, now: number): number | undefined {
    this.owed = this.owed.filter((owed) => owed.until > now);
    const index = this.owed.findIndex((owed) => owed.exchange !== current && owed.isAnswer(frame));
    if (index < 0) return undefined;
    const [paid] = this.owed.splice(index, 1);
    return paid!.until;
  }
}
