/**
 * The byte pipe to the RS-485 adapter, kept behind a small interface so the bus logic can be
 * driven over a real serial port, a socat pty, or anything else that moves bytes.
 */
import { SerialPort } from 'serialport';

export interface BusTransport {
  write(bytes: Uint8Array): Promise<void>;
  /** Throw away bytes received but not yet read (stale replies, line noise). */
  discardInput(): Promise<void>;
  close(): Promise<void>;
  onData(listener: (chunk: Buffer) => void): void;
  /** Called once when the link goes away by itself (unplugged, I/O error), never after close(). */
  onLost(listener: (reason: string) => void): void;
}

export type OpenBusTransport = (path: string, baudRate: number) => Promise<BusTransport>;

const callback =
  (resolve: () => void, reject: (error: Error) => void) =>
  (error?: Error | null): void =>
    error ? reject(error) : resolve();

export const openSerialTransport: OpenBusTransport = async (path, baudRate) => {
  const port = new SerialPort({
    path,
    baudRate,
    dataBits: 8,
    stopBits: 1,
    parity: 'none',
    autoOpen: false,
  });
  await new Promise<void>((resolve, reject) => port.open(callback(resolve, reject)));
  let closing = false;
  let lost: ((reason: string) => void) | undefined;
  const loseOnce = (reason: string): void => {
    if (closing || lost === undefined) return;
    const notify = lost;
    lost = undefined;
    notify(reason);
  };
  port.on('close', (error?: Error) =>
    loseOnce(error ? `serial port closed: ${error.message}` : 'serial port closed'),
  );
  port.on('error', (error: Error) => loseOnce(`serial port error: ${error.message}`));
  return {
    write: (bytes) =>
      new Promise<void>((resolve, reject) => {
        port.write(Buffer.from(bytes), (error) =>
          error ? reject(error) : port.drain(callback(resolve, reject)),
        );
      }),
    discardInput: () =>
      new Promise<void>((resolve, reject) => port.flush(callback(resolve, reject))),
    close: async () => {
      closing = true;
      if (!port.isOpen) return;
      await new Promise<void>((resolve) => port.close(() => resolve()));
    },
    onData: (listener) => void port.on('data', listener),
    onLost: (listener) => {
      lost = listener;
    },
  };
};
