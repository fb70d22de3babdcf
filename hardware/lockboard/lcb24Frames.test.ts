import { describe, expect, it } from 'vitest';
import { FrameReader } from './frameReader';
import {
  encodeLcb24Query,
  encodeLcb24StateReply,
  encodeLcb24Unlock,
  encodeLcb24UnlockReply,
  lcb24ReplyFormat,
  lcb24RequestFormat,
} from './lcb24Frames';

const bytes = (hex: string): Uint8Array =>
  Uint8Array.from(hex.split(' ').map((b) => parseInt(b, 16)));

describe('LCB24 requests', () => {
  it('encodes unlock frames with an XOR checksum', () => {
    expect(encodeLcb24Unlock(1, 1)).toEqual(bytes('8A 01 01 11 9B'));
    expect(encodeLcb24Unlock(1, 24)).toEqual(bytes('8A 01 18 11 82'));
    expect(encodeLcb24Unlock(2, 5)).toEqual(bytes('8A 02 05 11 9C'));
  });

  it('encodes query-all frames with lock 00', () => {
    expect(encodeLcb24Query(1)).toEqual(bytes('80 01 00 33 B2'));
    expect(encodeLcb24Query(3)).toEqual(bytes('80 03 00 33 B0'));
  });

  it('decodes requests as a board reads them and drops unknown function codes', () => {
    const reader = new FrameReader(lcb24RequestFormat);
    const unknownFunction = bytes('8A 01 01 22 A8');
    expect(
      reader.push(Uint8Array.from([...unknownFunction, ...bytes('8A 02 05 11 9C 80 03 00 33 B0')])),
    ).toEqual([
      { kind: 'unlock', board: 2, lock: 5 },
      { kind: 'query', board: 3, lock: 0 },
    ]);
    expect(reader.droppedFrames).toBeGreaterThanOrEqual(1);
  });
});

describe('LCB24 replies', () => {
  const stateBoard1 = bytes('80 01 01 01 01 33 B3');
  const stateBoard3 = bytes('80 03 80 00 FE 33 CE');

  it('encodes and decodes unlock answers with the latch status', () => {
    expect(encodeLcb24UnlockReply(1, 1, false)).toEqual(bytes('8A 01 01 00 8A'));
    expect(encodeLcb24UnlockReply(2, 5, true)).toEqual(bytes('8A 02 05 11 9C'));
    expect(new FrameReader(lcb24ReplyFormat).push(bytes('8A 01 01 00 8A 8A 02 05 11 9C'))).toEqual([
      { kind: 'unlock', board: 1, lock: 1, latchEngaged: false },
      { kind: 'unlock', board: 2, lock: 5, latchEngaged: true },
    ]);
  });

  it('encodes and decodes state answers, S17-24 first and bit 0 of S1-8 = lock 1', () => {
    expect(encodeLcb24StateReply(1, 0x010101)).toEqual(stateBoard1);
    expect(encodeLcb24StateReply(3, 0x8000fe)).toEqual(stateBoard3);
    expect(new FrameReader(lcb24ReplyFormat).push(stateBoard3)).toEqual([
      { kind: 'state', board: 3, lockBits: 0x8000fe },
    ]);
  });

  it('decodes a reply split byte by byte', () => {
    const reader = new FrameReader(lcb24ReplyFormat);
    const frames = [...stateBoard1].flatMap((b) => reader.push(Uint8Array.of(b)));
    expect(frames).toEqual([{ kind: 'state', board: 1, lockBits: 0x010101 }]);
  });

  it('skips noise, drops bad checksums and still finds the next reply', () => {
    const badBcc = bytes('80 01 01 01 01 33 B4');
    const reader = new FrameReader(lcb24ReplyFormat);
    const frames = reader.push(Uint8Array.from([0x00, 0x55, ...badBcc, ...stateBoard3]));
    expect(frames).toEqual([{ kind: 'state', board: 3, lockBits: 0x8000fe }]);
    expect(reader.droppedFrames).toBeGreaterThanOrEqual(1);
    expect(reader.skippedBytes).toBeGreaterThanOrEqual(2);
  });

  it('drops an unlock answer whose status byte is neither 00 nor 11', () => {
    const reader = new FrameReader(lcb24ReplyFormat);
    expect(reader.push(bytes('8A 01 01 05 8F'))).toEqual([]);
    expect(reader.droppedFrames).toBe(1);
  });
});
