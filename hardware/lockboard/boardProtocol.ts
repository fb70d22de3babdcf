/**
 * What the driver and the simulator need from a board family: frames for both directions and
 * how to tell which reply answers which request. One implementation per family.
 */
import type { FrameFormat } from './frameReader';

export type LockBoardProtocolName = 'kerong-cu16' | 'lcb24';

/** Raw sensor bits of one board as they travel on the wire; bit 0 = lock 1. */
export interface BoardReading {
  board: number;
  lockBits: number;
  /** Infrared bits; null for families without item sensors. */
  itemBits: number | null;
}

export type BoardReply =
  | {
      kind: 'state';
      reading: BoardReading;
      /** The lock the reply's address names, for families whose state reply names one (Kerong). */
      addressedLock?: number;
    }
  | {
      kind: 'unlock_ack';
      board: number;
      lock: number;
      /** The board says the pulse left the latch engaged (a jammed lock). */
      latchEngaged: boolean;
    };

/** What a reply says about an unlock: the board released the latch, or says it stayed engaged. */
export type UnlockVerdict = 'acknowledged' | 'jammed';

export type BoardRequest =
  { kind: 'unlock'; board: number; lock: number } | { kind: 'query'; board: number };

export interface BoardProtocol {
  readonly name: LockBoardProtocolName;
  readonly defaultBaudRate: number;
  readonly locksPerBoard: number;
  readonly maxBoard: number;
  readonly hasItemSensors: boolean;

  // The kiosk's side of the bus.
  readonly replyFormat: FrameFormat<BoardReply>;
  encodeUnlock(board: number, lock: number): Uint8Array;
  encodeQuery(board: number): Uint8Array;
  /** The verdict if `reply` answers an unlock of that lock; undefined if it answers something else. */
  answersUnlock(reply: BoardReply, board: number, lock: number): UnlockVerdict | undefined;
  answersQuery(reply: BoardReply, board: number): boolean;

  // The board's side of the bus (the simulator).
  readonly requestFormat: FrameFormat<BoardRequest>;
  /** `latchEngaged`: whether the pulse left the latch engaged (a jammed lock), for families that say so. */
  encodeUnlockReply(lock: number, reading: BoardReading, latchEngaged: boolean): Uint8Array;
  encodeStateReply(reading: BoardReading): Uint8Array;
}

/** The same framing with a different decoded shape; undefined from `map` drops the frame. */
export function mapFrameFormat<F, G>(
  format: FrameFormat<F>,
  map: (frame: F) => G | undefined,
): FrameFormat<G> {
  return {
    maxLength: format.maxLength,
    headerLength: format.headerLength,
    isStart: (byte) => format.isStart(byte),
    lengthOf: (head) => format.lengthOf(head),
    decode: (bytes) => {
      const frame = format.decode(bytes);
      return frame === undefined ? undefined : map(frame);
    },
  };
}
