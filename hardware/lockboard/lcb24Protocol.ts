/**
 * The 24-channel boards ("LCB24") as a BoardProtocol: unlock answered by an echo carrying the
 * latch status (`00` released, `11` still engaged), query-all answered by three state bytes.
 * No item sensors.
 */
import type { BoardProtocol, BoardRequest } from './boardProtocol';
import { mapFrameFormat } from './boardProtocol';
import {
  LCB24_LOCKS_PER_BOARD,
  LCB24_MAX_BOARD,
  encodeLcb24Query,
  encodeLcb24StateReply,
  encodeLcb24Unlock,
  encodeLcb24UnlockReply,
  lcb24ReplyFormat,
  lcb24RequestFormat,
} from './lcb24Frames';

export const lcb24Protocol: BoardProtocol = {
  name: 'lcb24',
  defaultBaudRate: 9600,
  locksPerBoard: LCB24_LOCKS_PER_BOARD,
  maxBoard: LCB24_MAX_BOARD,
  hasItemSensors: false,

  replyFormat: mapFrameFormat(lcb24ReplyFormat, (reply) =>
    reply.kind === 'unlock'
      ? {
          kind: 'unlock_ack',
          board: reply.board,
          lock: reply.lock,
          latchEngaged: reply.latchEngaged,
        }
      : {
          kind: 'state',
          reading: { board: reply.board, lockBits: reply.lockBits, itemBits: null },
        },
  ),
  encodeUnlock: encodeLcb24Unlock,
  encodeQuery: encodeLcb24Query,
  // SS = 11 is the board's own word that the latch stayed engaged. The bus makes sure an
  // adapter's echo of the request (the same bytes) never gets here as the answer.
  answersUnlock: (reply, board, lock) => {
    if (reply.kind !== 'unlock_ack' || reply.board !== board || reply.lock !== lock)
      return undefined;
    return reply.latchEngaged ? 'jammed' : 'acknowledged';
  },
  answersQuery: (reply, board) => reply.kind === 'state' && reply.reading.board === board,

  requestFormat: mapFrameFormat(lcb24RequestFormat, (request): BoardRequest | undefined => {
    if (request.kind === 'unlock') return request;
    // A single-lock query (lock != 0) has a different answer form that this driver never asks for.
    return request.lock === 0 ? { kind: 'query', board: request.board } : undefined;
  }),
  encodeUnlockReply: (lock, reading, latchEngaged) =>
    encodeLcb24UnlockReply(reading.board, lock, latchEngaged),
  encodeStateReply: (reading) => encodeLcb24StateReply(reading.board, reading.lockBits),
};
