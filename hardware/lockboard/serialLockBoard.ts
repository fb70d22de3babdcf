/**
 * The LockBoard port over a serial RS-485 bus: one or more boards of one family by address,
 * polled for door and item changes, surviving unplug/replug of the adapter.
 */
import { z } from 'zod';
import type { BoardProtocol, BoardReply, LockBoardProtocolName } from './boardProtocol';
import type { LockedBitValue } from './boardReading';
import { boardChanges, boardStateFrom } from './boardReading';
import type { OpenBusTransport } from './busTransport';
import { openSerialTransport } from './busTransport';
import { LockBus } from './lockBus';
import { boardProtocols } from './protocols';
import type { BoardState, LockAddress, LockBoard, LockBoardEvent, LockBoardResult } from './types';

const positiveMs = z.number().int().min(1);

/** Validates configuration (e.g. from the kiosk's config file) before a driver is built. */
export const serialLockBoardOptionsSchema = z.object({
  path: z.string().min(1),
  protocol: z.enum(['kerong-cu16', 'lcb24'] as const satisfies readonly LockBoardProtocolName[]),
  baudRate: z.number().int().positive().optional(),
  boards: z.array(z.number().int().min(0).max(255)).min(1),
  lockedBitValue: z.union([z.literal(0), z.literal(1)]).default(1),
  /** 0 turns polling off (one-shot tools). */
  pollIntervalMs: z.number().int().min(0).default(250),
  replyTimeoutMs: positiveMs.default(300),
  /** Extra attempts for a query; an unlock is never repeated by the driver. */
  retries: z.number().int().min(0).max(10).default(2),
  /**
   * Whether the RS-485 adapter echoes what the kiosk sends. Leave it out unless known: then a
   * frame identical to the request is never the answer by itself (docs/hardware.md,
   * "Echoing adapters").
   */
  echo: z.boolean().optional(),
  /** Quiet time after an unanswered attempt, for late replies to go by; default replyTimeoutMs. */
  lateReplyGuardMs: z.number().int().min(0).optional(),
  /**
   * How long the reply to an unanswered request is still expected: a frame that could be it is
   * not taken as an unlock's acknowledgement (0 = off).
   */
  lateReplyHorizonMs: z.number().int().min(0).default(1_000),
  /** Longest wait for flushing stale input before the port is taken for dead. */
  flushTimeoutMs: positiveMs.default(100),
  reopenBackoff: z
    .object({ initialMs: positiveMs.default(200), maxMs: positiveMs.default(5_000) })
    .default({ initialMs: 200, maxMs: 5_000 }),
});

export type SerialLockBoardOptions = z.input<typeof serialLockBoardOptionsSchema> & {
  /** Replaces the serial port, e.g. with another byte pipe in tests. */
  openTransport?: OpenBusTransport;
};

export class SerialLockBoard implements LockBoard {
  private readonly protocol: BoardProtocol;
  private readonly bus: LockBus<BoardReply>;
  private readonly boards: ReadonlySet<number>;
  private readonly lockedBitValue: LockedBitValue;
  private readonly pollIntervalMs: number;
  private readonly listeners = new Set<(event: LockBoardEvent) => void>();
  private readonly lastSeen = new Map<number, BoardState>();
  /** Boards whose next good reading is a baseline: never read yet, or a reading failed since. */
  private readonly unsettled: Set<number>;
  /** Boards whose last reading failed and were reported `unreadable` (until a good one). */
  private readonly unreadable = new Set<number>();
  private pollTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: SerialLockBoardOptions) {
    const config = serialLockBoardOptionsSchema.parse(options);
    this.protocol = boardProtocols[config.protocol];
    const tooHigh = config.boards.find((board) => board > this.protocol.maxBoard);
    if (tooHigh !== undefined) {
      throw new Error(
        `board ${tooHigh} is out of range for ${this.protocol.name} (0-${this.protocol.maxBoard})`,
      );
    }
    this.boards = new Set(config.boards);
    this.unsettled = new Set(config.boards);
    this.lockedBitValue = config.lockedBitValue;
    this.pollIntervalMs = config.pollIntervalMs;
    this.bus = new LockBus(
      {
        path: config.path,
        baudRate: config.baudRate ?? this.protocol.defaultBaudRate,
        replyFormat: this.protocol.replyFormat,
        replyTimeoutMs: config.replyTimeoutMs,
        retries: config.retries,
        echo: config.echo,
        lateReplyGuardMs: config.lateReplyGuardMs ?? config.replyTimeoutMs,
        lateReplyHorizonMs: config.lateReplyHorizonMs,
        flushTimeoutMs: config.flushTimeoutMs,
        reopenBackoff: config.reopenBackoff,
        openTransport: options.openTransport ?? openSerialTransport,
      },
      (event) => {
        // Whatever happened while the bus was down is only known from a fresh full reading.
        if (event.type === 'fault') this.boards.forEach((board) => this.unsettled.add(board));
        this.emit(event);
      },
    );
  }

  get connected(): boolean {
    return this.bus.connected;
  }

  /** Corrupt frames and noise bytes heard on the bus so far, for diagnostics. */
  get lineErrors(): { droppedFrames: number; skippedBytes: number } {
    return this.bus.lineErrors;
  }

  get locksPerBoard(): number {
    return this.protocol.locksPerBoard;
  }

  /** Opens the port and starts polling; resolves false (after a fault event) if it is not there yet. */
  async start(): Promise<boolean> {
    const connected = await this.bus.start();
    if (this.pollIntervalMs > 0) this.schedulePoll(0);
    return connected;
  }

  async unlock(address: LockAddress): Promise<LockBoardResult<void>> {
    if (!this.knows(address.board, address.lock)) return { ok: false, error: 'no_such_lock' };
    const { board, lock } = address;
    const verdict = (reply: BoardReply) => this.protocol.answersUnlock(reply, board, lock);
    // Never repeated here: a second pulse is the kiosk's call, after the solenoid cooled down.
    const result = await this.bus.exchange(
      this.protocol.encodeUnlock(board, lock),
      (reply) => verdict(reply) !== undefined,
      { retries: 0 },
    );
    if (!result.ok) return result;
    return verdict(result.value) === 'jammed'
      ? { ok: false, error: 'jammed' }
      : { ok: true, value: undefined };
  }

  async queryBoard(board: number): Promise<LockBoardResult<BoardState>> {
    if (!this.knows(board, 1)) return { ok: false, error: 'no_such_lock' };
    const result = await this.bus.exchange(this.protocol.encodeQuery(board), (reply) =>
      this.protocol.answersQuery(reply, board),
    );
    if (!result.ok || result.value.kind !== 'state') {
      this.unsettled.add(board);
      const failure = result.ok ? 'bad_reply' : result.error;
      // Said once per silence; a board the bus could not even reach is the bus's fault event.
      if (failure !== 'disconnected' && !this.unreadable.has(board)) {
        this.unreadable.add(board);
        this.emit({ type: 'unreadable', board, failure });
      }
      return { ok: false, error: failure };
    }
    this.unreadable.delete(board);
    const state = boardStateFrom(
      result.value.reading,
      this.protocol.locksPerBoard,
      this.lockedBitValue,
    );
    this.remember(state);
    return { ok: true, value: state };
  }

  onEvent(listener: (event: LockBoardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.pollTimer);
    await this.bus.close();
    this.listeners.clear();
  }

  private knows(board: number, lock: number): boolean {
    return (
      this.boards.has(board) &&
      Number.isInteger(lock) &&
      lock >= 1 &&
      lock <= this.protocol.locksPerBoard
    );
  }

  /**
   * A board's first good reading, and its first after a failed one, is a baseline: the full
   * state, nothing else (changes against an older reading would be guesses). Later readings
   * are reported as door and item changes.
   */
  private remember(state: BoardState): void {
    const previous = this.lastSeen.get(state.board);
    this.lastSeen.set(state.board, state);
    if (this.unsettled.delete(state.board) || previous === undefined) {
      this.emit({ type: 'baseline', state });
      return;
    }
    for (const event of boardChanges(previous, state)) this.emit(event);
  }

  private schedulePoll(delayMs: number): void {
    if (this.closed) return;
    this.pollTimer = setTimeout(() => void this.poll(), delayMs);
  }

  private async poll(): Promise<void> {
    for (const board of this.boards) {
      if (this.closed) return;
      if (this.bus.connected) await this.queryBoard(board);
    }
    this.schedulePoll(this.pollIntervalMs);
  }

  private emit(event: LockBoardEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's bug must not stop the bus; the listener's owner logs its own errors.
      }
    }
  }
}
