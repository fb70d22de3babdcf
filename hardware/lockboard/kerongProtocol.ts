/**
 * The Kerong KR-CU16 family as a BoardProtocol. The board answers an unlock with a state reply
 * whose ADDR echoes the request's (board << 4 | lock - 1); see docs/hardware.md for the source.
 * The state reply carries no latch status, so an answered unlock is always 'acknowledged'.
 */
import type { BoardProtocol, BoardRequest } from './boardProtocol';
import { mapFrameFormat } from './boardProtocol';
import {
  KERONG_LOCKS_PER_BOARD,
  KERONG_MAX_BOARD,
  KERONG_QUERY,
  KERONG_UNLOCK,
  encodeKerongQuery,
  encodeKerongStateReply,
  encodeKerongUnlock,
  kerongAddress,
  kerongReplyFormat,
  kerongRequestFormat,
} from './kerongFrames';

export const kerongCu16Protocol: BoardProtocol = {
  name: 'kerong-cu16',
  defaultBaudRate: 19200,
  locksPerBoard: KERONG_LOCKS_PER_BOARD,
  maxBoard: KERONG_MAX_BOARD,
  hasItemSensors: true,

  replyFormat: mapFrameFormat(kerongReplyFormat, (reply) => ({
    kind: 'state',
    reading: { board: reply.address >> 4, lockBits: reply.lockBits, itemBits: reply.itemBits },
    addressedLock: (reply.address & 0x0f) + 1,
  })),
  encodeUnlock: encodeKerongUnlock,
  encodeQuery: encodeKerongQuery,
  // Only ADDR = board << 4 | lock - 1 acknowledges: a query reply (ADDR = board << 4) arriving
  // late must not acknowledge an unlock of lock 2-16. Lock 1 shares that ADDR; the bus's
  // late-reply guard covers it.
  answersUnlock: (reply, board, lock) =>
    reply.kind === 'state' && reply.reading.board === board && reply.addressedLock === lock
      ? 'acknowledged'
      : undefined,
  // A query reply has ADDR = board << 4 (lock nibble 0): a late unlock reply for lock 2-16 is
  // not taken for a reading, and an owed query reply never blocks their acknowledgements.
  answersQuery: (reply, board) =>
    reply.kind === 'state' && reply.reading.board === board && reply.addressedLock === 1,

  requestFormat: mapFrameFormat(kerongRequestFormat, (request): BoardRequest | undefined => {
    const board = request.address >> 4;
    if (request.command === KERONG_UNLOCK) {
      return { kind: 'unlock', board, lock: (request.address & 0x0f) + 1 };
    }
    if (request.command === KERONG_QUERY) return { kind: 'query', board };
    return undefined;
  }),
  encodeUnlockReply: (lock, reading) =>
    encodeKerongStateReply({
      address: kerongAddress(reading.board, lock),
      lockBits: reading.lockBits,
      itemBits: reading.itemBits ?? 0,
    }),
  encodeStateReply: (reading) =>
    encodeKerongStateReply({
      address: (reading.board & 0x0f) << 4,
      lockBits: reading.lockBits,
      itemBits: reading.itemBits ?? 0,
    }),
};
