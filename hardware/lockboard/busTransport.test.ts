/**
 * The serial transport on a real pty pair (socat), with the board's end read and written through
 * a raw non-blocking descriptor: frames reach the line in the tick they are written even while
 * libuv's threadpool is taken by other work, stale input is dropped without touching what the
 * kiosk wrote, and an adapter that goes away is reported lost.
 */
import { pbkdf2 } from 'node:crypto';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPtyPair, type PtyPair } from '../sim/ptyPair';
import { openSerialTransport, type BusTransport } from './busTransport';
import { hex, toHex } from './testSupport/scriptedWire';

let dir: string;
let pty: PtyPair | undefined;
let kiosk: BusTransport | undefined;
let boardFd: number | undefined;

afterEach(async () => {
  await kiosk?.close();
  if (boardFd !== undefined) closeSync(boardFd);
  await pty?.stop();
  rmSync(dir, { recursive: true, force: true });
  [kiosk, boardFd, pty] = [undefined, undefined, undefined];
});

async function line(): Promise<{ kiosk: BusTransport; heard: Buffer[]; board: number }> {
  dir = mkdtempSync(join(tmpdir(), 'transport-'));
  pty = await startPtyPair(dir);
  kiosk = await openSerialTransport(pty.kioskPath, 19_200);
  const heard: Buffer[] = [];
  kiosk.onData((chunk) => heard.push(chunk));
  boardFd = openSync(pty.boardPath, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  return { kiosk, heard, board: boardFd };
}

/** What the board end holds now, read on this thread (never the threadpool). */
function readBoard(fd: number): string {
  const buffer = Buffer.alloc(256);
  try {
    return toHex(buffer.subarray(0, readSync(fd, buffer, 0, 256, null)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return '';
    throw error;
  }
}

/** Blocks this thread, as a long synchronous job would, while other processes (socat) run. */
function stall(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the serial transport on a pty', () => {
  it("puts a frame on the wire while libuv's threadpool is busy with other work", async () => {
    const { kiosk, board } = await line();
    // Every threadpool thread (4 by default, more if configured) busy for a while.
    const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    let busy = threads * 2;
    const jobs = Array.from(
      { length: busy },
      () =>
        new Promise<void>((resolve) =>
          pbkdf2('x', 'y', 400_000, 32, 'sha256', () => {
            busy -= 1;
            resolve();
          }),
        ),
    );
    const written = kiosk.write(hex('02 04 31 03 3A'));
    let got = '';
    for (let i = 0; i < 100 && got === ''; i++) {
      stall(2); // socat forwards meanwhile; the loop's timers never run in between
      got = readBoard(board);
    }
    const stillBusy = busy;
    await written;
    await Promise.all(jobs);
    expect(got).toBe('02 04 31 03 3A');
    expect(stillBusy).toBeGreaterThan(0);
  });

  it('drops input received but not read, and nothing the kiosk wrote', async () => {
    const { kiosk, heard, board } = await line();
    writeSync(board, hex('02 00 35 FF FF 00 00 03 38')); // a late reply, never read
    stall(50); // it crosses socat into the kiosk's port while the loop cannot read it
    await kiosk.write(hex('02 00 30 03 35'));
    await kiosk.discardInput();
    await sleep(50);
    expect(heard).toEqual([]);
    stall(20);
    expect(readBoard(board)).toBe('02 00 30 03 35');
    writeSync(board, hex('02 00 35 FE FF 00 00 03 37'));
    for (let i = 0; i < 100 && heard.length === 0; i++) await sleep(5);
    expect(toHex(Buffer.concat(heard))).toBe('02 00 35 FE FF 00 00 03 37');
  });

  it('reports the port lost once when the adapter goes away, and never after close', async () => {
    const { kiosk } = await line();
    const lost: string[] = [];
    kiosk.onLost((reason) => lost.push(reason));
    await pty!.stop();
    for (let i = 0; i < 200 && lost.length === 0; i++) await sleep(5);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatch(/^serial port (error|closed)/);
    await kiosk.close();
    await sleep(20);
    expect(lost).toHaveLength(1);
    await expect(kiosk.write(hex('02 00 30 03 35'))).rejects.toThrow();
  });
});
