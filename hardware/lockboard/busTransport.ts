/**
 * The byte pipe to the RS-485 adapter, kept behind a small interface so the bus logic can be
 * driven over a real serial port, a socat pty, or anything else that moves bytes.
 */
import { readSync, writeSync } from 'node:fs';
import { SerialPort } from 'serialport';

export interface BusTransport {
  write(bytes: Uint8Array): Promise<void>;
  /** Throw away bytes received but not yet read (stale replies, line noise). */
  discardInput(): Promise<void>;
  /**
   * Hand over through onData, now, the bytes already received but not yet read, where the
   * transport can: before a timeout is declared, an answer that came in during a stall counts.
   */
  readPending?(): void;
  close(): Promise<void>;
  onData(listener: (chunk: Buffer) => void): void;
  /** Called once when the link goes away by itself (unplugged, I/O error), never after close(). */
  onLost(listener: (reason: string) => void): void;
}

export type OpenBusTransport = (path: string, baudRate: number) => Promise<BusTransport>;

/** What the POSIX serial bindings hand back: a non-blocking descriptor and a readiness poller. */
interface PosixPort {
  fd: number | null;
  poller: { once(event: 'readable', callback: (error: Error | null) => void): unknown };
  close(): Promise<void>;
}

const isPosixPort = (port: object): port is PosixPort =>
  'poller' in port && 'fd' in port && typeof port.fd === 'number';

/** Errors that only mean "nothing there now, try again". */
const WOULD_BLOCK = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);
const CHUNK = 4096;
/** How soon a write the line would not take is tried again (a full output buffer). */
const WRITE_RETRY_MS = 2;

/**
 * Opens a serial port (8N1, raw) and moves its bytes on the event loop's own thread: the port is
 * non-blocking, so a read or a write is one short system call made the moment it is due, never
 * a job queued on libuv's threadpool behind file, crypto or DNS work (which is how the serialport
 * stream reads, writes, flushes and drains). An unlock frame goes on the wire in the same tick
 * the request is made, and a reply is read as soon as the poller says the line is readable.
 */
export const openSerialTransport: OpenBusTransport = async (path, baudRate) => {
  const port = await SerialPort.binding.open({
    path,
    baudRate,
    dataBits: 8,
    stopBits: 1,
    parity: 'none',
  });
  if (!isPosixPort(port)) {
    await port.close().catch(() => undefined);
    throw new Error(`${path}: the lock-bus transport needs a POSIX serial port (Linux, macOS)`);
  }
  return new PosixTransport(port);
};

class PosixTransport implements BusTransport {
  private closing = false;
  private dataListener: (chunk: Buffer) => void = () => {};
  private lostListener: ((reason: string) => void) | undefined;
  /** Writes the line would not take at once, in order, finishing on a timer. */
  private backlog: Promise<void> | undefined;
  private readonly buffer = Buffer.allocUnsafe(CHUNK);

  constructor(private readonly port: PosixPort) {
    this.watch();
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.closing) return Promise.reject(new Error('port is closed'));
    const data = Buffer.from(bytes);
    if (this.backlog !== undefined) return this.later(data, 0);
    try {
      const written = this.writeNow(data, 0);
      return written === data.length ? Promise.resolve() : this.later(data, written);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** Reads and drops whatever the port holds now, on this thread (what TCIFLUSH would drop). */
  discardInput(): Promise<void> {
    try {
      while (this.readNow() !== null);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.port.close().catch(() => undefined);
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListener = listener;
  }

  onLost(listener: (reason: string) => void): void {
    this.lostListener = listener;
  }

  /** Bytes from the descriptor, null when there are none now; throws when the port is gone. */
  private readNow(): Buffer | null {
    const fd = this.port.fd;
    if (fd === null) throw new Error('port is closed');
    try {
      const n = readSync(fd, this.buffer, 0, CHUNK, null);
      // A tty reads 0 bytes only once hung up: the adapter is gone.
      if (n === 0) throw new Error('serial port closed');
      return Buffer.from(this.buffer.subarray(0, n));
    } catch (error) {
      if (WOULD_BLOCK.has((error as NodeJS.ErrnoException).code ?? '')) return null;
      throw error;
    }
  }

  private writeNow(data: Buffer, offset: number): number {
    const fd = this.port.fd;
    if (fd === null) throw new Error('port is closed');
    let done = offset;
    try {
      while (done < data.length) done += writeSync(fd, data, done, data.length - done);
    } catch (error) {
      if (!WOULD_BLOCK.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
    return done;
  }

  /** The rest of a write, after the writes before it, retried until the line takes it. */
  private later(data: Buffer, offset: number): Promise<void> {
    const previous = this.backlog ?? Promise.resolve();
    const job = previous.then(async () => {
      let done = offset;
      while (done < data.length) {
        if (this.closing) throw new Error('port is closed');
        done = this.writeNow(data, done);
        if (done < data.length) await new Promise((r) => setTimeout(r, WRITE_RETRY_MS));
      }
    });
    const settled = job.catch(() => undefined);
    this.backlog = settled;
    void settled.then(() => {
      if (this.backlog === settled) this.backlog = undefined;
    });
    return job;
  }

  /** Waits for the line to be readable, then reads all there is and hands it on. */
  private watch(): void {
    this.port.poller.once('readable', (error) => {
      if (this.closing) return;
      if (error) return this.lose(`serial port error: ${error.message}`);
      if (this.readPending()) this.watch();
    });
  }

  /** Reads all there is and hands it on; false once the port is gone or closed. */
  readPending(): boolean {
    while (!this.closing) {
      let chunk: Buffer | null;
      try {
        chunk = this.readNow();
      } catch (e) {
        this.lose(`serial port error: ${(e as Error).message}`);
        return false;
      }
      if (chunk === null) return true;
      this.dataListener(chunk);
    }
    return false;
  }

  private lose(reason: string): void {
    const notify = this.lostListener;
    this.lostListener = undefined;
    void this.close();
    notify?.(reason);
  }
}
