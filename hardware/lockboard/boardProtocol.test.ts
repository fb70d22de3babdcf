import { describe, expect, it } from 'vitest';
import type { BoardProtocol, BoardReply } from './boardProtocol';
import { FrameReader } from './frameReader';
import { boardProtocols } from './protocols';
import { hex } from './testSupport/scriptedWire';

function decode(protocol: BoardProtocol, bytes: string): BoardReply {
  const [reply] = new FrameReader(protocol.replyFormat).push(hex(bytes));
  if (reply === undefined) throw new Error(`${bytes} does not decode`);
  return reply;
}

describe('which Kerong reply answers an unlock', () => {
  const kerong = boardProtocols['kerong-cu16'];
  const verdict = (bytes: string, board: number, lock: number) =>
    kerong.answersUnlock(decode(kerong, bytes), board, lock);

  it('acknowledges with the reply whose ADDR is board << 4 | lock - 1', () => {
    expect(verdict('02 04 35 FF FF 00 00 03 3C', 0, 5)).toBe('acknowledged');
    expect(verdict('02 24 35 EF FF 00 00 03 4C', 2, 5)).toBe('acknowledged');
  });

  it('does not take a query-form reply (ADDR board << 4) for lock 2-16', () => {
    expect(verdict('02 00 35 FF FF 00 00 03 38', 0, 5)).toBeUndefined();
    expect(verdict('02 00 35 FF FF 00 00 03 38', 0, 16)).toBeUndefined();
  });

  it('cannot tell a query reply from a lock 1 acknowledgement (the bus guard must)', () => {
    expect(verdict('02 00 35 FF FF 00 00 03 38', 0, 1)).toBe('acknowledged');
  });

  it('does not take the same lock on another board', () => {
    expect(verdict('02 14 35 FF FF 00 00 03 4C', 0, 5)).toBeUndefined();
  });
});

describe('which Kerong reply answers a query', () => {
  const kerong = boardProtocols['kerong-cu16'];
  const answers = (bytes: string, board: number) =>
    kerong.answersQuery(decode(kerong, bytes), board);

  it('takes the reply with ADDR = board << 4 only, not an unlock reply for lock 5', () => {
    expect(answers('02 00 35 FF FF 00 00 03 38', 0)).toBe(true);
    expect(answers('02 04 35 FF FF 00 00 03 3C', 0)).toBe(false);
    expect(answers('02 14 35 FF FF 00 00 03 4C', 0)).toBe(false);
  });
});

describe('which LCB24 reply answers an unlock', () => {
  const lcb24 = boardProtocols.lcb24;
  const verdict = (bytes: string, board: number, lock: number) =>
    lcb24.answersUnlock(decode(lcb24, bytes), board, lock);

  it('reads the latch status: SS=00 acknowledged, SS=11 jammed', () => {
    expect(verdict('8A 01 01 00 8A', 1, 1)).toBe('acknowledged');
    expect(verdict('8A 01 01 11 9B', 1, 1)).toBe('jammed');
    expect(verdict('8A 02 05 11 9C', 2, 5)).toBe('jammed');
  });

  it('does not take an answer for another lock or board, or a state reply', () => {
    expect(verdict('8A 01 02 00 89', 1, 1)).toBeUndefined();
    expect(verdict('8A 02 01 00 89', 1, 1)).toBeUndefined();
    expect(verdict('80 01 01 01 01 33 B3', 1, 1)).toBeUndefined();
  });
});
