/**
 * Kerong KR-CU16 frames (19200 8N1): requests `02 ADDR CMD 03 SUM`, state replies
 * `02 ADDR 35 L1-8 L9-16 IR1-8 IR9-16 03 SUM`; SUM is the low byte of the sum of the bytes before it.
 * ADDR = board << 4 | (lock - 1). Pure encode/decode, no I/O.
 */
import type { FrameFormat } from './frameReader';

export const KERONG_STX = 0x02;
export const KERONG_ETX = 0x03;
export const KERONG_QUERY = 0x30;
export const KERONG_UNLOCK = 0x31;
export const KERONG_STATE_REPLY = 0x35;
export const KERONG_LOCKS_PER_BOARD = 16;
export const KERONG_MAX_BOARD = 15;

const REQUEST_LENGTH = 5;
const REPLY_LENGTH = 9;

export interface KerongRequest {
  address: number;
  command: number;
}

/** A state reply; bit 0 of each field is lock 1. The board sends it to queries and unlocks alike. */
export interface KerongStateReply {
  address: number;
  lockBits: number;
  itemBits: number;
}

export function kerongSum(bytes: Uint8Array): number {
  let sum = 0;
  for (const byte of bytes) sum += byte;
  return sum & 0xff;
}

export function kerongAddress(board: number, lock: number): number {
  return ((board & 0x0f) << 4) | ((lock - 1) & 0x0f);
}

export function encodeKerongRequest(request: KerongRequest): Uint8Array {
  const head = [KERONG_STX, request.address & 0xff, request.command & 0xff, KERONG_ETX];
  return Uint8Array.from([...head, kerongSum(Uint8Array.from(head))]);
}

export function encodeKerongUnlock(board: number, lock: number): Uint8Array {
  return encodeKerongRequest({ address: kerongAddress(board, lock), command: KERONG_UNLOCK });
}

export function encodeKerongQuery(board: number): Uint8Array {
  return encodeKerongRequest({ address: (board & 0x0f) << 4, command: KERONG_QUERY });
}

export function encodeKerongStateReply(reply: KerongStateReply): Uint8Array {
  const head = [
    KERONG_STX,
    reply.address & 0xff,
    KERONG_STATE_REPLY,
    reply.lockBits & 0xff,
    (reply.lockBits >> 8) & 0xff,
    reply.itemBits & 0xff,
    (reply.itemBits >> 8) & 0xff,
    KERONG_ETX,
  ];
  return Uint8Array.from([...head, kerongSum(Uint8Array.from(head))]);
}

function checksumAndEndOk(frame: Uint8Array): boolean {
  const last = frame.length - 1;
  return frame[last - 1] === KERONG_ETX && frame[last] === kerongSum(frame.subarray(0, last));
}

/** What a board reads: every 5-byte request, whatever its command. */
export const kerongRequestFormat: FrameFormat<KerongRequest> = {
  maxLength: REQUEST_LENGTH,
  headerLength: 1,
  isStart: (byte) => byte === KERONG_STX,
  lengthOf: () => REQUEST_LENGTH,
  decode: (frame) =>
    checksumAndEndOk(frame)
      ? { address: frame[1] as number, command: frame[2] as number }
      : undefined,
};

/** What the kiosk reads: 9-byte state replies. */
export const kerongReplyFormat: FrameFormat<KerongStateReply> = {
  maxLength: REPLY_LENGTH,
  headerLength: 3,
  isStart: (byte) => byte === KERONG_STX,
  lengthOf: (head) => (head[2] === KERONG_STATE_REPLY ? REPLY_LENGTH : 0),
  decode: (frame) => {
    if (!checksumAndEndOk(frame)) return undefined;
    const byte = (i: number): number => frame[i] as number;
    return {
      address: byte(1),
      lockBits: byte(3) | (byte(4) << 8),
      itemBits: byte(5) | (byte(6) << 8),
    };
  },
};
