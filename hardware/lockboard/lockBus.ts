/**
 * One RS-485 bus: keeps the port open (reopening with capped backoff after an unplug), puts one
 * command on the wire at a time, and matches each reply to its request with a timeout and retries.
 */
import type { BusTransport, OpenBusTransport } from './busTransport';
import type { FrameFormat } from './frameReader';
import { FrameReader } from './frameReader';

export type BusFailure = 'timeout' | 'disconnected' | 'bad_reply';
export type BusResult<R> = { ok: true; value: R } | { ok: false; error: BusFailure };
export type BusEvent = { type: 'fault'; reason: string } | { type: 'recovered' };

export interface LockBusOptions<R> {
  path: string;
  baudRate: number;
  replyFormat: FrameFormat<R>;
  replyTimeoutMs: number;
  /** Extra attempts after the first one times out or gets a corrupt answer. */
  retries: number;
  reopenBackoff: { initialMs: number; maxMs: number };
  openTransport: OpenBusTransport;
}

type Outcome<R> =
  { kind: 'reply'; reply: R } | { kind: 'no_reply'; sawOtherFrame: boolean } | { kind: 'lost' };

interface Waiter<R> {
  isAnswer: (reply: R) => boolean;
  finish: (outcome: Outcome<R>) => void;
  sawOtherFrame: boolean;
}

export class LockBus<R> {
  private readonly reader: FrameReader<R>;
  private transport: BusTransport | undefined;
  private state: 'starting' | 'up' | 'down' | 'closed' = 'starting';
  private faultReported = false;
  private reopenAttempts = 0;
  private reopenTimer: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private waiter: Waiter<R> | undefined;

  constructor(
    private readonly options: LockBusOptions<R>,
    private readonly onEvent: (event: BusEvent) => void,
  ) {
    this.reader = new FrameReader(options.replyFormat);
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

  exchange(request: Uint8Array, isAnswer: (reply: R) => boolean): Promise<BusResult<R>> {
    if (this.state !== 'up') return Promise.resolve({ ok: false, error: 'disconnected' });
    const job = this.queue.then(() => this.run(request, isAnswer));
    this.queue = job.catch(() => undefined);
    return job;
  }

  async close(): Promise<void> {
    this.state = 'closed';
    clearTimeout(this.reopenTimer);
    this.waiter?.finish({ kind: 'lost' });
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
    transport.onData((chunk) => this.receive(chunk));
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
    this.waiter?.finish({ kind: 'lost' });
    if (!this.faultReported) {
      this.faultReported = true;
      this.onEvent({ type: 'fault', reason });
    }
    const { initialMs, maxMs } = this.options.reopenBackoff;
    const delay = Math.min(maxMs, initialMs * 2 ** Math.min(this.reopenAttempts, 16));
    this.reopenAttempts += 1;
    this.reopenTimer = setTimeout(() => void this.connect(), delay);
  }

  private receive(chunk: Buffer): void {
    for (const frame of this.reader.push(chunk)) {
      const waiter = this.waiter;
      if (waiter === undefined) continue; // nobody asked: a stale or unsolicited frame
      if (waiter.isAnswer(frame)) waiter.finish({ kind: 'reply', reply: frame });
      else waiter.sawOtherFrame = true;
    }
  }

  private async run(request: Uint8Array, isAnswer: (reply: R) => boolean): Promise<BusResult<R>> {
    let failure: BusFailure = 'timeout';
    for (let attempt = 0; attempt <= this.options.retries; attempt += 1) {
      const transport = this.transport;
      if (this.state !== 'up' || transport === undefined)
        return { ok: false, error: 'disconnected' };
      const before = this.lineErrors;
      const outcome = await this.attempt(transport, request, isAnswer);
      if (outcome.kind === 'reply') return { ok: true, value: outcome.reply };
      if (outcome.kind === 'lost') return { ok: false, error: 'disconnected' };
      const after = this.lineErrors;
      const heardSomething =
        outcome.sawOtherFrame ||
        after.droppedFrames > before.droppedFrames ||
        after.skippedBytes > before.skippedBytes ||
        this.reader.pendingBytes > 0;
      if (heardSomething) failure = 'bad_reply';
    }
    return { ok: false, error: failure };
  }

  private async attempt(
    transport: BusTransport,
    request: Uint8Array,
    isAnswer: (reply: R) => boolean,
  ): Promise<Outcome<R>> {
    try {
      await transport.discardInput();
    } catch {
      return { kind: 'lost' };
    }
    this.reader.reset();
    return new Promise((resolve) => {
      const waiter: Waiter<R> = {
        isAnswer,
        sawOtherFrame: false,
        finish: (outcome) => {
          if (this.waiter !== waiter) return;
          this.waiter = undefined;
          clearTimeout(timer);
          resolve(
            outcome.kind === 'no_reply'
              ? { kind: 'no_reply', sawOtherFrame: waiter.sawOtherFrame }
              : outcome,
          );
        },
      };
      const timer = setTimeout(
        () => waiter.finish({ kind: 'no_reply', sawOtherFrame: false }),
        this.options.replyTimeoutMs,
      );
      this.waiter = waiter;
      transport.write(request).catch(() => waiter.finish({ kind: 'lost' }));
    });
  }
}
