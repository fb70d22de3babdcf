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

export type LockBoardFailure = 'timeout' | 'disconnected' | 'bad_reply' | 'no_such_lock';

export type LockBoardResult<T> = { ok: true; value: T } | { ok: false; error: LockBoardFailure };

export type LockBoardEvent =
  | { type: 'door'; board: number; lock: number; locked: boolean }
  | { type: 'item'; board: number; lock: number; present: boolean }
  | { type: 'fault'; reason: string }
  | { type: 'recovered' };

export interface LockBoard {
  /** Pulse the latch. Resolves once the board acknowledged the command (not when the door moved). */
  unlock(address: LockAddress): Promise<LockBoardResult<void>>;
  /** Read every lock on one board. */
  queryBoard(board: number): Promise<LockBoardResult<BoardState>>;
  /** Door and item changes found by polling, plus bus faults; returns an unsubscribe function. */
  onEvent(listener: (event: LockBoardEvent) => void): () => void;
  close(): Promise<void>;
}
