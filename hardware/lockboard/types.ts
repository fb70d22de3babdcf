/**
 * The lock board port as KioskCore declares it (src/main/core/lockBoard.ts), restated here so
 * hardware/ stays free of src/ imports; structural typing makes the drivers assignable to it.
 */

/** A lock on the bus: board address and lock number as printed on the board (from 1). */
export interface LockAddress {
  board: number;
  lock: number;
}

export interface LockState {
  lock: number;
  /** The latch is engaged: the door is shut. Polarity is the driver's concern. */
  locked: boolean;
  /** Infrared item sensor; null where the board has none. */
  itemPresent: boolean | null;
}

export interface BoardState {
  board: number;
  locks: LockState[];
}

/**
 * Why a command failed. Only some failures are facts about the door:
 * - `no_such_lock`, `jammed`: refused. Nothing was pulsed (`no_such_lock`: the driver knows no
 *   such lock), or the board itself answered that the latch stayed engaged (`jammed`).
 * - `disconnected`: the bus was down; nothing was written, so nothing was pulsed.
 * - `timeout`, `bad_reply`, `interrupted`: no usable answer. The request may have reached the
 *   board and the latch may have fired; only a fresh reading can tell (`interrupted`: the link
 *   went away after the request was written).
 */
export type LockBoardFailure =
  'timeout' | 'bad_reply' | 'interrupted' | 'disconnected' | 'no_such_lock' | 'jammed';

export type LockBoardResult<T> = { ok: true; value: T } | { ok: false; error: LockBoardFailure };

export type LockBoardEvent =
  | { type: 'door'; board: number; lock: number; locked: boolean }
  | { type: 'item'; board: number; lock: number; present: boolean }
  /**
   * A board's first good reading after start, or after it could not be read: the full state,
   * so whatever was deferred while it was unknown can be settled now.
   */
  | { type: 'baseline'; state: BoardState }
  /**
   * A board that answered (or was never read) could not be read now: silent or garbled while
   * the bus is up. Once until its next good reading, which comes as a `baseline`.
   */
  | { type: 'unreadable'; board: number; failure: LockBoardFailure }
  | { type: 'fault'; reason: string }
  | { type: 'recovered' };

export interface LockBoard {
  /**
   * Pulse the latch, once (never retried by the driver: a second pulse is the caller's decision,
   * after the solenoid cooled down). Resolves once the board acknowledged the command (not when
   * the door moved), or with the failure (see LockBoardFailure for which failures are facts).
   */
  unlock(address: LockAddress): Promise<LockBoardResult<void>>;
  /** Read every lock on one board. */
  queryBoard(board: number): Promise<LockBoardResult<BoardState>>;
  /** Door and item changes found by polling, plus bus faults; returns an unsubscribe function. */
  onEvent(listener: (event: LockBoardEvent) => void): () => void;
  close(): Promise<void>;
}
