/**
 * Cuts a byte stream into frames: resyncs on the start byte, drops bad frames without throwing,
 * and counts what it dropped. The frame layout itself comes from a FrameFormat.
 */
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';

export interface FrameFormat<F> {
  /** Longest frame of this format; the reader never holds more than this minus one byte. */
  readonly maxLength: number;
  /** Bytes needed before lengthOf can tell the frame's length. */
  readonly headerLength: number;
  isStart(byte: number): boolean;
  /** Length of the frame that begins with `head`, or 0 when these bytes cannot begin one. */
  lengthOf(head: Uint8Array): number;
  /** The frame, or undefined when its checksum, end byte or fields are wrong. */
  decode(frame: Uint8Array): F | undefined;
}

/** A decoded frame with the bytes it came from (to tell an adapter's echo of a request). */
export interface ReadFrame<F> {
  frame: F;
  bytes: Uint8Array;
}

export class FrameReader<F> {
  private buffer: Buffer = Buffer.alloc(0);
  /** Candidate frames that failed their checks. */
  droppedFrames = 0;
  /** Bytes skipped while looking for a start byte. */
  skippedBytes = 0;

  constructor(private readonly format: FrameFormat<F>) {}

  get pendingBytes(): number {
    return this.buffer.length;
  }

  /** Forget buffered bytes, e.g. after flushing stale input before a new command. */
  reset(): void {
    this.buffer = Buffer.alloc(0);
  }

  push(chunk: Uint8Array): F[] {
    return this.readFrames(chunk).map((read) => read.frame);
  }

  readFrames(chunk: Uint8Array): ReadFrame<F>[] {
    const bytes =
      this.buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buffer, chunk]);
    const frames: ReadFrame<F>[] = [];
    let pos = 0;
    while (pos < bytes.length) {
      const first = bytes[pos] as number;
      if (!this.format.isStart(first)) {
        this.skippedBytes += 1;
        pos += 1;
        continue;
      }
      const available = bytes.length - pos;
      if (available < this.format.headerLength) break;
      const length = this.format.lengthOf(bytes.subarray(pos, pos + this.format.headerLength));
      if (length === 0) {
        this.droppedFrames += 1;
        pos += 1;
        continue;
      }
      if (available < length) break;
      const raw = bytes.subarray(pos, pos + length);
      const frame = this.format.decode(raw);
      if (frame === undefined) {
        // Step one byte only: the real start may sit inside the bytes we just rejected.
        this.droppedFrames += 1;
        pos += 1;
        continue;
      }
      frames.push({ frame, bytes: Uint8Array.from(raw) });
      pos += length;
    }
    this.buffer = Buffer.from(bytes.subarray(pos));
    return frames;
  }
}

/** The reader as a stream: bytes in, decoded frames out (object mode). */
export class FrameParser<F> extends Transform {
  readonly reader: FrameReader<F>;

  constructor(format: FrameFormat<F>) {
    super({ readableObjectMode: true });
    this.reader = new FrameReader(format);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    for (const frame of this.reader.push(chunk)) this.push(frame);
    done();
  }
}
