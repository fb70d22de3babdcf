/**
 * Recognises a half-duplex RS-485 adapter's echo of the request the kiosk just wrote, so that
 * the echo is never read as the board's answer and never hides the answer behind it.
 */

export class RequestEcho {
  /** The echo went by: stripped off the front of the input, or seen as an identical frame. */
  heard = false;
  private matched = 0;
  private settled = false;

  constructor(private readonly request: Uint8Array) {}

  /**
   * Takes the echo off the front of the input and returns the rest. Stripping it as bytes
   * matters: a frame reader resyncing inside an echo can take the echo's tail and the reply's
   * head for one frame and lose the reply (LCB24 board 0x33, see requestEcho.test.ts).
   */
  strip(chunk: Uint8Array): Uint8Array {
    if (this.settled) return chunk;
    let used = 0;
    while (
      used < chunk.length &&
      this.matched < this.request.length &&
      chunk[used] === this.request[this.matched]
    ) {
      used += 1;
      this.matched += 1;
    }
    if (this.matched === this.request.length) {
      this.settled = true;
      this.heard = true;
      return chunk.subarray(used);
    }
    if (used === chunk.length) return new Uint8Array(0); // may still become the echo: hold it
    // Not the echo after all: hand back what was held, with the rest of the chunk.
    this.settled = true;
    return Uint8Array.from([...this.request.subarray(0, this.matched), ...chunk.subarray(used)]);
  }

  /** Bytes held back because they may still turn out to be the echo. */
  get holding(): number {
    return this.settled ? 0 : this.matched;
  }

  /**
   * Whether a decoded frame is the echo: the first frame byte-identical to the request, if the
   * echo has not gone by yet (it came after line noise, so strip() could not see it).
   */
  isEcho(frame: Uint8Array): boolean {
    if (this.heard || !sameBytes(frame, this.request)) return false;
    this.heard = true;
    return true;
  }
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}
