/**
 * One RS-485 bus: keeps the port open (reopening with capped backoff after an unplug), puts one
 * command on the wire at a time, and matches each reply to its request with a timeout and retries.
 */
import type { BusTransport, OpenBusTransport } from './busTransport';
import type { FrameFormat } from './frameReader';
import { FrameReader } from './frameReader';
import { OwedAnswers } from './owedAnswers';
import { RequestEcho } from './requestEcho';

/**
 * `disconnected`: nothing was written. `interrupted`: the link went away after the request was
 * written. `timeout`: nothing came back. `bad_reply`: something came back, but not the answer.
 */
export type BusFailure = 'timeout' | 'bad_reply' | 'interrupted' | 'disconnected';
export type BusResult<R> = { ok: true; value: R } | { ok: false; error: BusFailure };
export type BusEvent = { type: 'fault'; reason: string } | { type: 'recovered' };

export interface LockBusOptions<R> {
  path: string;
  baudRate: number;
  replyFormat: FrameFormat<R>;
  replyTimeoutMs: number;
  /** Extra attempts after the first one times out or gets a corrupt answer (per call: exchange). */
  retries: number;
  /**
   * Whether the adapter echoes what the kiosk sends: true, false, or undefined (not known). Only
   * `false` lets a frame identical to the request be the answer by itself.
   */
  echo: boolean | undefined;
  /** Quiet time after an unanswered attempt, so its late reply cannot answer the next request. */
  lateReplyGuardMs: number;
  /**
   * How long an unanswered attempt's reply is still expected: a frame that could be it is not
   * taken as the answer of a later exchange (an unlock, or a later query). 0 turns this off.
   */
  lateReplyHorizonMs: number;
  /** How long flushing stale input may take before the port is taken for dead. */
  flushTimeoutMs: number;
  reopenBackoff: { initialMs: number; maxMs: number };
  openTransport: OpenBusTransport;
}

export interface ExchangeOptions {
  /** Overrides the bus's `retries` for this call (an unlock is never repeated: 0). */
  retries?: number;
}

type Outcome<R> =
  | { kind: 'reply'; reply: R }
  /** `paidUntil`: a frame heard meanwhile paid an earlier debt lapsing then (OwedAnswers). */
  | { kind: 'no_reply'; heard: boolean; paidUntil: number | undefined }
  | { kind: 'lost'; written: boolean };

interface Waiter<R> {
  request: Uint8Array;
  isAnswer: (reply: R) => boolean;
  /** Which exchange (one request and its retries) this attempt belongs to. */
  exchange: number;
  /** A frame heard in this attempt paid an earlier debt lapsing then (see OwedAnswers). */
  paidUntil?: number;
  /** Undefined when the adapter is known not to echo. */
  echo: RequestEcho | undefined;
  finish: (outcome: Outcome<R>) => void;
  sawOtherFrame: boolean;
}

interface Deadline {
  cancel(): void;
}

/**
 * Runs `expire` once `ms` have passed and the event loop has then handled the I/O that came in
 * meanwhile: timers run before I/O in a loop turn, so after a stall (a long transaction, a GC
 * pause) a plain timer would call a flush that had already finished a hung one.
 */
function afterDeadline(ms: number, expire: () => void): Deadline {
  let check: NodeJS.Immediate | undefined;
  const timer = setTimeout(() => {
    check = setImmediate(expire);
  }, ms);
  return {
    cancel: () => {
      clearTimeout(timer);
      clearImmediate(check);
    },
  };
}

export class LockBus<R> {
  private readonly reader: FrameReader<R>;
  private readonly owed: OwedAnswers<R>;
  private transport: BusTransport | undefined;
  private state: 'starting' | 'up' | 'down' | 'closed' = 'starting';
  private faultReported = false;
  private reopenAttempts = 0;
  private reopenTimer: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private waiter: Waiter<R> | undefined;
  /** Exchanges started so far: each request with its retries is one. */
  private exchanges = 0;
  /** When the last attempt ended without its answer (performance.now()), until the next write. */
  private unansweredAt: number | undefined;
  private guard: { timer: NodeJS.Timeout; end: () => void } | undefined;

  constructor(
    private readonly options: LockBusOptions<R>,
    private readonly onEvent: (event: BusEvent) => void,
  ) {
    this.reader = new FrameReader(options.replyFormat);
    this.owed = new OwedAnswers(options.lateReplyHorizonMs);
  }

  get connected(): boolean {
    return this.state === 'up';
  }

  /** Corrupt candidate frames and noise bytes seen so far, for diagnostics. */
  get lineErrors(): { droppedFrames: number; skippedBytes: number } {
    return { droppedFrames: this.reader.droppedFrames, skippedBytes: this.reader.skippedBytes };
  }

  /** Opens the port; on failure reports a fault and keeps trying in the background. */
  async start(): Promise<boolean> {
    await this.connect();
    return this.connected;
  }

  exchange(
    request: Uint8Array,
    isAnswer: (reply: R) => boolean,
    options: ExchangeOptions = {},
  ): Promise<BusResult<R>> {
    if (this.state !== 'up') return Promise.resolve({ ok: false, error: 'disconnected' });
    const job = this.queue.then(() => this.run(request, isAnswer, options));
    this.queue = job.catch(() => undefined);
    return job;
  }

  async close(): Promise<void> {
    this.state = 'closed';
    clearTimeout(this.reopenTimer);
    this.endGuard();
    this.waiter?.finish({ kind: 'lost', written: true });
    const transport = this.transport;
    this.transport = undefined;
    await transport?.close().catch(() => undefined);
    await this.queue;
  }

  // A method, so TypeScript does not narrow the state across an await.
  private get closed(): boolean {
    return this.state === 'closed';
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    let transport: BusTransport;
    try {
      transport = await this.options.openTransport(this.options.path, this.options.baudRate);
    } catch (error) {
      this.goDown(`cannot open ${this.options.path}: ${(error as Error).message}`);
      return;
    }
    if (this.closed) {
      await transport.close().catch(() => undefined);
      return;
    }
    this.transport = transport;
    this.reader.reset();
    transport.onData((chunk) => this.receive(transport, chunk));
    transport.onLost((reason) => this.lose(transport, reason));
    this.state = 'up';
    this.reopenAttempts = 0;
    if (this.faultReported) {
      this.faultReported = false;
      this.onEvent({ type: 'recovered' });
    }
  }

  private lose(transport: BusTransport, reason: string): void {
    if (this.transport !== transport || this.state === 'closed') return;
    this.transport = undefined;
    void transport.close().catch(() => undefined);
    this.goDown(reason);
  }

  private goDown(reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'down';
    this.waiter?.finish({ kind: 'lost', written: true });
    if (!this.faultReported) {
      this.faultReported = true;
      this.onEvent({ type: 'fault', reason });
    }
    const { initialMs, maxMs } = this.options.reopenBackoff;
    const delay = Math.min(maxMs, initialMs * 2 ** Math.min(this.reopenAttempts, 16));
    this.reopenAttempts += 1;
    this.reopenTimer = setTimeout(() => void this.connect(), delay);
  }

  private receive(transport: BusTransport, chunk: Buffer): void {
    if (this.transport !== transport) return; // a closed port's last bytes
    const waiter = this.waiter;
    const bytes = waiter?.echo === undefined ? chunk : waiter.echo.strip(chunk);
    for (const { frame, bytes: raw } of this.reader.readFrames(bytes)) {
      // Undefined when nobody asked (a stale or unsolicited frame) or the answer already came.
      const current = this.waiter === waiter ? waiter : undefined;
      if (current?.echo?.isEcho(raw)) continue; // never the answer by itself
      const paidUntil = this.owed.settle(frame, current?.exchange, performance.now());
      if (paidUntil !== undefined) {
        if (current === undefined) continue;
        current.sawOtherFrame = true; // maybe an earlier request's, maybe its own
        current.paidUntil = Math.min(current.paidUntil ?? Infinity, paidUntil);
      } else if (current?.isAnswer(frame)) {
        current.finish({ kind: 'reply', reply: frame });
      } else if (current !== undefined) {
        current.sawOtherFrame = true;
      }
    }
  }

  private async run(
    request: Uint8Array,
    isAnswer: (reply: R) => boolean,
    options: ExchangeOptions,
  ): Promise<BusResult<R>> {
    let failure: BusFailure = 'timeout';
    let written = false;
    const retries = options.retries ?? this.options.retries;
    const exchange = ++this.exchanges;
    for (let attempt = 0; attempt <= retries; attempt += 1) {
      const outcome = await this.attempt(request, isAnswer, exchange);
      if (outcome.kind === 'reply') return { ok: true, value: outcome.reply };
      if (outcome.kind === 'lost') {
        written ||= outcome.written;
        return { ok: false, error: written ? 'interrupted' : 'disconnected' };
      }
      written = true;
      if (outcome.heard) failure = 'bad_reply';
    }
    return { ok: false, error: failure };
  }

  private async attempt(
    request: Uint8Array,
    isAnswer: (reply: R) => boolean,
    exchange: number,
  ): Promise<Outcome<R>> {
    await this.quietAfterUnanswered();
    const transport = this.transport;
    if (this.state !== 'up' || transport === undefined) return { kind: 'lost', written: false };
    if (!(await this.flush(transport))) return { kind: 'lost', written: false };
    const outcome = await this.listen(transport, { request, isAnswer, exchange });
    if (outcome.kind !== 'reply') {
      // Written and not answered: an answer may still be on its way.
      this.unansweredAt = performance.now();
      const inherited = outcome.kind === 'no_reply' ? outcome.paidUntil : undefined;
      this.owed.add(exchange, isAnswer, this.unansweredAt, inherited);
    }
    return outcome;
  }

  /**
   * A board that answered after the timeout puts its reply on the wire while the next request
   * waits for its own; for a Kerong lock 1 that late query reply is indistinguishable from an
   * unlock acknowledgement. So after an unanswered attempt the bus keeps quiet for the guard,
   * and whatever arrives meanwhile is dropped (no waiter) and flushed.
   */
  private async quietAfterUnanswered(): Promise<void> {
    if (this.unansweredAt === undefined) return;
    const left = this.unansweredAt + this.options.lateReplyGuardMs - performance.now();
    this.unansweredAt = undefined;
    if (left <= 0 || this.closed) return;
    await new Promise<void>((resolve) => {
      this.guard = { timer: setTimeout(resolve, left), end: resolve };
    });
    this.guard = undefined;
  }

  private endGuard(): void {
    if (this.guard === undefined) return;
    clearTimeout(this.guard.timer);
    this.guard.end();
  }

  /** Throws away stale input; a flush that fails or hangs (tcflush can) means the port is gone. */
  private async flush(transport: BusTransport): Promise<boolean> {
    let deadline: Deadline | undefined;
    const { flushTimeoutMs } = this.options;
    const result = await Promise.race([
      transport.discardInput().then(
        () => 'flushed' as const,
        (error: unknown) => `flushing stale input failed: ${(error as Error).message}`,
      ),
      new Promise<string>((resolve) => {
        deadline = afterDeadline(flushTimeoutMs, () =>
          resolve(`flushing stale input did not finish within ${flushTimeoutMs} ms`),
        );
      }),
    ]);
    deadline?.cancel();
    this.reader.reset();
    if (result === 'flushed') return true;
    this.lose(transport, result);
    return false;
  }

  private listen(
    transport: BusTransport,
    ask: Pick<Waiter<R>, 'request' | 'isAnswer' | 'exchange'>,
  ): Promise<Outcome<R>> {
    const before = this.lineErrors;
    return new Promise((resolve) => {
      const waiter: Waiter<R> = {
        ...ask,
        echo: this.options.echo === false ? undefined : new RequestEcho(ask.request),
        sawOtherFrame: false,
        finish: (outcome) => {
          if (this.waiter !== waiter) return;
          this.waiter = undefined;
          clearTimeout(timer);
          resolve(outcome);
        },
      };
      const timer = setTimeout(() => {
        // Timers run before I/O in a loop turn: after a stall (a long transaction, a GC pause)
        // the answer may be waiting in the port. Read it first; only silence is a timeout.
        transport.readPending?.();
        waiter.finish({
          kind: 'no_reply',
          heard: this.heardSince(before, waiter),
          paidUntil: waiter.paidUntil,
        });
      }, this.options.replyTimeoutMs);
      this.waiter = waiter;
      transport.write(ask.request).catch(() => waiter.finish({ kind: 'lost', written: true }));
    });
  }

  /** Whether anything but silence came back: frames, noise, or (echo not known) an echo. */
  private heardSince(before: LockBus<R>['lineErrors'], waiter: Waiter<R>): boolean {
    const after = this.lineErrors;
    const echoCounts = this.options.echo === undefined && waiter.echo?.heard === true;
    return (
      waiter.sawOtherFrame ||
      echoCounts ||
      (waiter.echo?.holding ?? 0) > 0 ||
      after.droppedFrames > before.droppedFrames ||
      after.skippedBytes > before.skippedBytes ||
      this.reader.pendingBytes > 0
    );
  }
}
