import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameReader } from './frameReader';
import { boardProtocols } from './protocols';
import { RequestEcho } from './requestEcho';
import { hex } from './testSupport/scriptedWire';

const lcb24 = boardProtocols.lcb24;

describe('an echoing adapter in front of an LCB24 query reply', () => {
  // Board 0x33's query ends in BCC 0x80, a start byte: the reader takes `80` + the reply's
  // first six bytes for a frame, which checks out (board 0x80), and the real reply is lost.
  const echo = hex('80 33 00 33 80');
  const reply = hex('80 33 33 00 33 33 80');
  const answer = { kind: 'state', reading: { board: 0x33, lockBits: 0x330033, itemBits: null } };

  it('loses the reply when the frame reader alone resyncs through the echo', () => {
    const frames = new FrameReader(lcb24.replyFormat).push(Uint8Array.from([...echo, ...reply]));
    expect(frames).not.toContainEqual(answer);
  });

  it('reads the reply once the echo is stripped off the front', () => {
    const strip = new RequestEcho(echo);
    const reader = new FrameReader(lcb24.replyFormat);
    expect(reader.push(strip.strip(Uint8Array.from([...echo, ...reply])))).toEqual([answer]);
    expect(strip.heard).toBe(true);
  });

  it('does the same when the echo and the reply arrive byte by byte', () => {
    const strip = new RequestEcho(echo);
    const reader = new FrameReader(lcb24.replyFormat);
    const frames = [...echo, ...reply].flatMap((byte) =>
      reader.push(strip.strip(Uint8Array.of(byte))),
    );
    expect(frames).toEqual([answer]);
  });
});

describe('RequestEcho', () => {
  const request = hex('8A 01 01 11 9B');

  it('holds a prefix of the request, then hands it back when the bytes part ways', () => {
    const echo = new RequestEcho(request);
    expect(echo.strip(hex('8A 01 01'))).toEqual(new Uint8Array(0));
    expect(echo.holding).toBe(3);
    expect(echo.strip(hex('00 8A'))).toEqual(hex('8A 01 01 00 8A'));
    expect(echo.heard).toBe(false);
    expect(echo.holding).toBe(0);
  });

  it('strips only the first copy: a second identical frame is the board speaking', () => {
    const echo = new RequestEcho(request);
    expect(echo.strip(hex('8A 01 01 11 9B 8A 01 01 11 9B'))).toEqual(request);
    expect(echo.isEcho(request)).toBe(false);
  });

  it('takes the first identical frame after line noise for the echo, once', () => {
    const echo = new RequestEcho(request);
    expect(echo.strip(hex('00 8A 01 01 11 9B'))).toEqual(hex('00 8A 01 01 11 9B'));
    expect(echo.isEcho(hex('8A 01 01 00 8A'))).toBe(false);
    expect(echo.isEcho(request)).toBe(true);
    expect(echo.isEcho(request)).toBe(false);
  });

  it.each(Object.values(boardProtocols))(
    'lets every $name state reply through after the query echo, in any chunking',
    (protocol) => {
      // Boards and bits whose echo ends in, or whose reply begins with, look-alike start bytes.
      const tricky = [0x02, 0x33, 0x39, 0x80, 0x8a].filter((b) => b <= protocol.maxBoard);
      const board = fc.oneof(
        fc.constantFrom(...tricky),
        fc.integer({ min: 0, max: protocol.maxBoard }),
      );
      const bits = fc.oneof(
        fc.constantFrom(0x330033, 0x003300, 0x112200).map((b) => b % 2 ** protocol.locksPerBoard),
        fc.integer({ min: 0, max: 2 ** protocol.locksPerBoard - 1 }),
      );
      const cuts = fc.array(fc.integer({ min: 1, max: 15 }), { maxLength: 12 });
      fc.assert(
        fc.property(board, bits, bits, cuts, (address, lockBits, irBits, cutAt) => {
          const reading = {
            board: address,
            lockBits,
            itemBits: protocol.hasItemSensors ? irBits & 0xffff : null,
          };
          const stream = [...protocol.encodeQuery(address), ...protocol.encodeStateReply(reading)];
          const strip = new RequestEcho(protocol.encodeQuery(address));
          const reader = new FrameReader(protocol.replyFormat);
          const frames = chunked(stream, cutAt).flatMap((c) => reader.push(strip.strip(c)));
          expect(frames).toEqual([expect.objectContaining({ kind: 'state', reading })]);
        }),
        { numRuns: 2_000 },
      );
    },
  );
});

function chunked(bytes: number[], cuts: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const cut of cuts) {
    if (at >= bytes.length) break;
    chunks.push(Uint8Array.from(bytes.slice(at, at + cut)));
    at += cut;
  }
  if (at < bytes.length) chunks.push(Uint8Array.from(bytes.slice(at)));
  return chunks;
}
