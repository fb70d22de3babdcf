/**
 * 24-channel lock boards ("LCB24", 9600 8N1, BCC = XOR of the bytes before it).
 * Unlock `8A BB LL 11 BCC`, answered `8A BB LL SS BCC` (SS 11 = latch still engaged, 00 = released).
 * Query all `80 BB 00 33 BCC`, answered `80 BB S17-24 S9-16 S1-8 33 BCC`, bit 0 of S1-8 = lock 1.
 * Pure encode/decode, no I/O.
 */
import type { FrameFormat } from './frameReader';

export const LCB24_UNLOCK = 0x8a;
export const LCB24_QUERY = 0x80;
export const LCB24_UNLOCK_FUNCTION = 0x11;
export const LCB24_QUERY_FUNCTION = 0x33;
export const LCB24_LATCH_ENGAGED = 0x11;
export const LCB24_LATCH_RELEASED = 0x00;
export const LCB24_LOCKS_PER_BOARD = 24;
export const LCB24_MAX_BOARD = 0xff;

const REQUEST_LENGTH = 5;
const UNLOCK_REPLY_LENGTH = 5;
const STATE_REPLY_LENGTH = 7;

export type Lcb24Request =
  | { kind: 'unlock'; board: number; lock: number }
  /** lock 0 asks for every lock on the board. */
  | { kind: 'query'; board: number; lock: number };

export type Lcb24Reply =
  | { kind: 'unlock'; board: number; lock: number; latchEngaged: boolean }
  | { kind: 'state'; board: number; lockBits: number };

export function lcb24Bcc(bytes: Uint8Array): number {
  let bcc = 0;
  for (const byte of bytes) bcc ^= byte;
  return bcc;
}

function withBcc(head: number[]): Uint8Array {
  const bytes = Uint8Array.from(head.map((b) => b & 0xff));
  return Uint8Array.from([...bytes, lcb24Bcc(bytes)]);
}

export function encodeLcb24Unlock(board: number, lock: number): Uint8Array {
  return withBcc([LCB24_UNLOCK, board, lock, LCB24_UNLOCK_FUNCTION]);
}

export function encodeLcb24Query(board: number): Uint8Array {
  return withBcc([LCB24_QUERY, board, 0x00, LCB24_QUERY_FUNCTION]);
}

export function encodeLcb24UnlockReply(
  board: number,
  lock: number,
  latchEngaged: boolean,
): Uint8Array {
  const status = latchEngaged ? LCB24_LATCH_ENGAGED : LCB24_LATCH_RELEASED;
  return withBcc([LCB24_UNLOCK, board, lock, status]);
}

export function encodeLcb24StateReply(board: number, lockBits: number): Uint8Array {
  return withBcc([
    LCB24_QUERY,
    board,
    (lockBits >> 16) & 0xff,
    (lockBits >> 8) & 0xff,
    lockBits & 0xff,
    LCB24_QUERY_FUNCTION,
  ]);
}

const isStart = (byte: number): boolean => byte === LCB24_UNLOCK || byte === LCB24_QUERY;
const bccOk = (frame: Uint8Array): boolean =>
  frame[frame.length - 1] === lcb24Bcc(frame.subarray(0, frame.length - 1));

/** What a board reads: 5-byte unlock and query requests. */
export const lcb24RequestFormat: FrameFormat<Lcb24Request> = {
  maxLength: REQUEST_LENGTH,
  headerLength: 1,
  isStart,
  lengthOf: () => REQUEST_LENGTH,
  decode: (frame) => {
    if (!bccOk(frame)) return undefined;
    const [start, board, lock, fn] = frame as unknown as [number, number, number, number];
    if (start === LCB24_UNLOCK && fn === LCB24_UNLOCK_FUNCTION)
      return { kind: 'unlock', board, lock };
    if (start === LCB24_QUERY && fn === LCB24_QUERY_FUNCTION) return { kind: 'query', board, lock };
    return undefined;
  },
};

/** What the kiosk reads: 5-byte unlock answers and 7-byte state answers. */
export const lcb24ReplyFormat: FrameFormat<Lcb24Reply> = {
  maxLength: STATE_REPLY_LENGTH,
  headerLength: 1,
  isStart,
  lengthOf: (head) => (head[0] === LCB24_UNLOCK ? UNLOCK_REPLY_LENGTH : STATE_REPLY_LENGTH),
  decode: (frame) => {
    if (!bccOk(frame)) return undefined;
    const byte = (i: number): number => frame[i] as number;
    if (frame.length === UNLOCK_REPLY_LENGTH) {
      const status = byte(3);
      if (status !== LCB24_LATCH_ENGAGED && status !== LCB24_LATCH_RELEASED) return undefined;
      return {
        kind: 'unlock',
        board: byte(1),
        lock: byte(2),
        latchEngaged: status === LCB24_LATCH_ENGAGED,
      };
    }
    if (byte(5) !== LCB24_QUERY_FUNCTION) return undefined;
    return { kind: 'state', board: byte(1), lockBits: (byte(2) << 16) | (byte(3) << 8) | byte(4) };
  },
};
