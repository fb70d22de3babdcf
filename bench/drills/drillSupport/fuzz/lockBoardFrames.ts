/**
 * Lock-board frames under fuzz, both families and both directions: random chunks, damaged real
 * frames and now and then a good frame after a gap, fed to one live FrameReader as a bus would.
 * The kiosk's side reads replies into board states; the board's side (the bus simulator) acts
 * on requests, and its pulse count is the witness that only an exact unlock frame fires a latch.
 */
import fc from 'fast-check';
import type {
  BoardProtocol,
  BoardReading,
  BoardReply,
  BoardRequest,
  LockBoardProtocolName,
} from '../../../../hardware/lockboard/boardProtocol';
import { boardChanges, boardStateFrom } from '../../../../hardware/lockboard/boardReading';
import {
  FrameReader,
  type FrameFormat,
  type ReadFrame,
} from '../../../../hardware/lockboard/frameReader';
import { boardProtocols } from '../../../../hardware/lockboard/protocols';
import type { BoardState } from '../../../../hardware/lockboard/types';
import { LockBusSimulator } from '../../../../hardware/sim/lockBusSimulator';
import { hex, type FuzzSubject, type ParserFuzz, type Verdict } from './parserFuzz';

/** Garbage (most), a real frame damaged, or a probe: a frame-length gap and then a good frame. */
export type FrameInput =
  | { kind: 'garbage'; bytes: Uint8Array }
  | { kind: 'damaged'; bytes: Uint8Array }
  | { kind: 'probe'; bytes: Uint8Array; frame: Uint8Array };

const concat = (...parts: Uint8Array[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => [...p]));

/** A real frame with one to three bytes flipped, dropped or inserted, or cut short. */
function damaged(frame: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  const edit = fc.record({
    at: fc.nat(),
    op: fc.constantFrom('flip', 'drop', 'insert', 'cut'),
    byte: fc.integer({ min: 0, max: 255 }),
    bit: fc.integer({ min: 0, max: 7 }),
  });
  return fc.tuple(frame, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([bytes, edits]) => {
    let out = [...bytes];
    for (const e of edits) {
      const at = e.at % Math.max(1, out.length);
      if (e.op === 'flip') out[at] = (out[at] ?? 0) ^ (1 << e.bit);
      else if (e.op === 'drop') out.splice(at, 1);
      else if (e.op === 'insert') out.splice(at, 0, e.byte);
      else out = out.slice(0, at);
    }
    return Uint8Array.from(out);
  });
}

const reading = (p: BoardProtocol): fc.Arbitrary<BoardReading> =>
  fc.record({
    board: fc.integer({ min: 0, max: p.maxBoard }),
    lockBits: fc.integer({ min: 0, max: 2 ** p.locksPerBoard - 1 }),
    itemBits: p.hasItemSensors
      ? fc.integer({ min: 0, max: 2 ** p.locksPerBoard - 1 })
      : fc.constant(null),
  });

const lock = (p: BoardProtocol) => fc.integer({ min: 1, max: p.locksPerBoard });

/** Good frames the kiosk reads from a board of this family. */
const replyFrames = (p: BoardProtocol): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    reading(p).map((r) => p.encodeStateReply(r)),
    fc
      .tuple(lock(p), reading(p), fc.boolean())
      .map(([l, r, jam]) => p.encodeUnlockReply(l, r, jam)),
  );

/** Good frames a board reads from the kiosk. */
const requestFrames = (p: BoardProtocol): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    fc
      .tuple(fc.integer({ min: 0, max: p.maxBoard }), lock(p))
      .map(([b, l]) => p.encodeUnlock(b, l)),
    fc.integer({ min: 0, max: p.maxBoard }).map((b) => p.encodeQuery(b)),
  );

function frameInput(frames: fc.Arbitrary<Uint8Array>, maxLength: number): fc.Arbitrary<FrameInput> {
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .uint8Array({ maxLength: 24 })
        .map((bytes) => ({ kind: 'garbage' as const, bytes })),
    },
    { weight: 3, arbitrary: damaged(frames).map((bytes) => ({ kind: 'damaged' as const, bytes })) },
    {
      weight: 1,
      // The gap matters: a false frame begun in earlier garbage may swallow a good frame's first
      // bytes, as on the wire (the driver flushes before each command for the same reason).
      arbitrary: frames.map((frame) => ({
        kind: 'probe' as const,
        frame,
        bytes: concat(new Uint8Array(maxLength), frame),
      })),
    },
  );
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/** The exact bytes a frame must be if the reader took it: no second spelling of a frame passes. */
function replyBytes(p: BoardProtocol, reply: BoardReply): Uint8Array {
  if (reply.kind === 'unlock_ack') {
    return p.encodeUnlockReply(
      reply.lock,
      { board: reply.board, lockBits: 0, itemBits: null },
      reply.latchEngaged,
    );
  }
  return reply.addressedLock === undefined
    ? p.encodeStateReply(reply.reading)
    : p.encodeUnlockReply(reply.addressedLock, reply.reading, false);
}

/** What the reader must still be after any input, and what a probe must have read. */
function readerVerdict<F>(
  reader: FrameReader<F>,
  format: FrameFormat<F>,
  input: FrameInput,
  read: ReadFrame<F>[],
): Verdict {
  const rejected = read.length === 0;
  if (reader.pendingBytes >= format.maxLength) {
    const held = `the reader holds ${reader.pendingBytes} bytes, a whole frame (${format.maxLength})`;
    return { rejected, violation: held };
  }
  if (input.kind !== 'probe') return { rejected };
  const last = read.at(-1);
  if (last === undefined || !sameBytes(last.bytes, input.frame) || reader.pendingBytes !== 0) {
    return {
      rejected: true,
      violation: `a good frame ${hex(input.frame)} after a gap was not read`,
    };
  }
  return { rejected };
}

/** The kiosk's side: replies into board states and door events. */
function replySubject(p: BoardProtocol): FuzzSubject<FrameInput> {
  const reader = new FrameReader(p.replyFormat);
  const states = new Map<number, BoardState>();
  let frames = 0;
  let doorEvents = 0;
  return {
    handle(input): Verdict {
      const read = reader.readFrames(input.bytes);
      for (const { frame, bytes } of read) {
        frames += 1;
        if (!sameBytes(bytes, replyBytes(p, frame))) {
          return { rejected: false, violation: `took ${hex(bytes)} as ${JSON.stringify(frame)}` };
        }
        if (frame.kind !== 'state') continue;
        const next = boardStateFrom(frame.reading, p.locksPerBoard, 1);
        if (next.locks.length !== p.locksPerBoard) {
          return { rejected: false, violation: `a board state of ${next.locks.length} locks` };
        }
        const before = states.get(frame.reading.board);
        if (before) doorEvents += boardChanges(before, next).length;
        states.set(frame.reading.board, next);
      }
      return readerVerdict(reader, p.replyFormat, input, read);
    },
    figures: () => ({ framesRead: frames, doorEvents, droppedFrames: reader.droppedFrames }),
    close: () => {},
  };
}

/** The board's side: requests heard by the bus simulator, whose latches count the pulses. */
function requestSubject(p: BoardProtocol): FuzzSubject<FrameInput> {
  const reader = new FrameReader(p.requestFormat);
  const boards = Array.from({ length: Math.min(p.maxBoard, 15) + 1 }, (_, i) => i);
  const bus = new LockBusSimulator({ protocol: p.name, boards, doorOpenDelayMs: 3_600_000 });
  const pulses = () =>
    bus.boards().reduce((sum, b) => sum + b.locks.reduce((s, l) => s + l.pulses, 0), 0);
  let unlocks = 0;
  return {
    handle(input): Verdict {
      const before = pulses();
      const read = reader.readFrames(input.bytes);
      let exactUnlocks = 0;
      for (const { frame, bytes } of read) {
        if (frame.kind === 'unlock' && !sameBytes(bytes, p.encodeUnlock(frame.board, frame.lock))) {
          return { rejected: false, violation: `took ${hex(bytes)} as ${JSON.stringify(frame)}` };
        }
        if (
          frame.kind === 'unlock' &&
          boards.includes(frame.board) &&
          frame.lock >= 1 &&
          frame.lock <= p.locksPerBoard
        )
          exactUnlocks += 1;
        bus.hear(frame as BoardRequest);
      }
      unlocks += exactUnlocks;
      const fired = pulses() - before;
      if (fired !== exactUnlocks) {
        return {
          rejected: read.length === 0,
          violation: `${fired} pulses from ${exactUnlocks} unlock frames`,
        };
      }
      return readerVerdict(reader, p.requestFormat, input, read);
    },
    figures: () => ({
      pulses: pulses(),
      unlockFrames: unlocks,
      droppedFrames: reader.droppedFrames,
    }),
    close: () => bus.dispose(),
  };
}

export function lockBoardFuzz(
  name: LockBoardProtocolName,
  side: 'replies' | 'requests',
  smallRuns: number,
): ParserFuzz<FrameInput> {
  const p = boardProtocols[name];
  const format = side === 'replies' ? p.replyFormat : p.requestFormat;
  const frames = side === 'replies' ? replyFrames(p) : requestFrames(p);
  return {
    name: `${name} ${side}`,
    smallRuns,
    boundMs: 2_000,
    input: frameInput(frames, format.maxLength),
    show: (input) => `${input.kind} ${hex(input.bytes)}`,
    open: async () => (side === 'replies' ? replySubject(p) : requestSubject(p)),
  };
}
