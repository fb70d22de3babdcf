import { describe, expect, it } from 'vitest';
import { FrameReader } from './frameReader';
import {
  encodeKerongQuery,
  encodeKerongStateReply,
  encodeKerongUnlock,
  kerongReplyFormat,
  kerongRequestFormat,
} from './kerongFrames';

const bytes = (hex: string): Uint8Array =>
  Uint8Array.from(hex.split(' ').map((b) => parseInt(b, 16)));

describe('Kerong KR-CU16 requests', () => {
  it('encodes unlock frames with ADDR = board << 4 | lock - 1 and a sum checksum', () => {
    expect(encodeKerongUnlock(0, 1)).toEqual(bytes('02 00 31 03 36'));
    expect(encodeKerongUnlock(0, 16)).toEqual(bytes('02 0F 31 03 45'));
    expect(encodeKerongUnlock(2, 5)).toEqual(bytes('02 24 31 03 5A'));
    expect(encodeKerongUnlock(15, 16)).toEqual(bytes('02 FF 31 03 35'));
  });

  it('encodes board queries with the lock nibble at zero', () => {
    expect(encodeKerongQuery(0)).toEqual(bytes('02 00 30 03 35'));
    expect(encodeKerongQuery(1)).toEqual(bytes('02 10 30 03 45'));
    expect(encodeKerongQuery(3)).toEqual(bytes('02 30 30 03 65'));
  });

  it('decodes requests as a board reads them', () => {
    const reader = new FrameReader(kerongRequestFormat);
    expect(reader.push(bytes('02 24 31 03 5A 02 30 30 03 65'))).toEqual([
      { address: 0x24, command: 0x31 },
      { address: 0x30, command: 0x30 },
    ]);
  });
});

describe('Kerong KR-CU16 state replies', () => {
  const board1 = bytes('02 10 35 FE FF 01 80 03 C8');
  const board1State = { address: 0x10, lockBits: 0xfffe, itemBits: 0x8001 };

  it('encodes and decodes the 9-byte reply, bit 0 = lock 1', () => {
    expect(encodeKerongStateReply(board1State)).toEqual(board1);
    expect(new FrameReader(kerongReplyFormat).push(board1)).toEqual([board1State]);
  });

  it('decodes a reply split over several chunks', () => {
    const reader = new FrameReader(kerongReplyFormat);
    expect(reader.push(board1.subarray(0, 2))).toEqual([]);
    expect(reader.push(board1.subarray(2, 7))).toEqual([]);
    expect(reader.push(board1.subarray(7))).toEqual([board1State]);
    expect(reader.pendingBytes).toBe(0);
  });

  it('decodes two replies in one chunk', () => {
    const unlockEcho = bytes('02 24 35 EF FF 00 00 03 4C');
    const reader = new FrameReader(kerongReplyFormat);
    expect(reader.push(Uint8Array.from([...board1, ...unlockEcho]))).toEqual([
      board1State,
      { address: 0x24, lockBits: 0xffef, itemBits: 0 },
    ]);
  });

  it('skips noise before a reply, including a stray start byte', () => {
    const reader = new FrameReader(kerongReplyFormat);
    expect(reader.push(Uint8Array.from([0xff, 0x02, 0x00, 0x13, ...board1]))).toEqual([
      board1State,
    ]);
    expect(reader.skippedBytes).toBeGreaterThan(0);
  });

  it('drops a reply with a bad checksum or end byte and keeps reading', () => {
    const badSum = bytes('02 10 35 FE FF 01 80 03 C9');
    const badEnd = bytes('02 10 35 FE FF 01 80 04 C9');
    const reader = new FrameReader(kerongReplyFormat);
    expect(reader.push(Uint8Array.from([...badSum, ...badEnd, ...board1]))).toEqual([board1State]);
    expect(reader.droppedFrames).toBeGreaterThanOrEqual(2);
  });
});
