/**
 * A simulated lock bus on a real pseudo-terminal: the kiosk's driver opens `kioskPath` exactly as
 * it would open the RS-485 adapter. unplug() kills socat so the device disappears; replug()
 * brings it back at the same path.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BusTransport } from '../lockboard/busTransport';
import { openSerialTransport } from '../lockboard/busTransport';
import type { BoardRequest } from '../lockboard/boardProtocol';
import { FrameReader } from '../lockboard/frameReader';
import type { LockBusSimulatorOptions } from './lockBusSimulator';
import { LockBusSimulator } from './lockBusSimulator';
import type { PtyPair } from './ptyPair';
import { startPtyPair } from './ptyPair';

export interface SimulatedLockBusOptions extends LockBusSimulatorOptions {
  /** Where the `kiosk` and `board` links go; a fresh temp dir (removed on close) by default. */
  dir?: string;
}

export interface SimulatedLockBus {
  /** The device path the kiosk's driver opens. */
  readonly kioskPath: string;
  readonly sim: LockBusSimulator;
  readonly plugged: boolean;
  unplug(): Promise<void>;
  replug(): Promise<void>;
  close(): Promise<void>;
}

export async function startSimulatedLockBus(
  options: SimulatedLockBusOptions,
): Promise<SimulatedLockBus> {
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'lockbus-')));
  const sim = new LockBusSimulator(options);
  const reader = new FrameReader<BoardRequest>(sim.protocol.requestFormat);
  let pty: PtyPair | undefined;
  let port: BusTransport | undefined;
  let closed = false;

  // Late replies still due; an unplug or close drops them, as it would on the wire.
  const due = new Set<NodeJS.Timeout>();
  const sendLater = (boardEnd: BusTransport, bytes: Uint8Array, delayMs: number): void => {
    const timer = setTimeout(() => {
      due.delete(timer);
      boardEnd.write(bytes).catch(() => undefined);
    }, delayMs);
    due.add(timer);
  };

  const plugIn = async (): Promise<void> => {
    pty = await startPtyPair(dir);
    reader.reset();
    const boardEnd = await openSerialTransport(pty.boardPath, sim.protocol.defaultBaudRate);
    boardEnd.onData((chunk) => {
      // An echoing adapter hands back every byte it put on the wire, before any answer.
      if (sim.echo) boardEnd.write(chunk).catch(() => undefined);
      for (const request of reader.push(chunk)) {
        const reply = sim.hear(request);
        if (reply === undefined) continue;
        // A write can fail only while being unplugged; the kiosk sees a timeout, as on a real bus.
        if (reply.delayMs === 0) boardEnd.write(reply.bytes).catch(() => undefined);
        else sendLater(boardEnd, reply.bytes, reply.delayMs);
      }
    });
    boardEnd.onLost(() => undefined);
    port = boardEnd;
  };

  const pullOut = async (): Promise<void> => {
    const [boardEnd, pair] = [port, pty];
    port = undefined;
    pty = undefined;
    due.forEach((timer) => clearTimeout(timer));
    due.clear();
    await boardEnd?.close();
    await pair?.stop();
  };

  try {
    await plugIn();
  } catch (error) {
    await pullOut();
    if (ownDir) await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const kioskPath = join(dir, 'kiosk');
  return {
    kioskPath,
    sim,
    get plugged() {
      return port !== undefined;
    },
    unplug: async () => {
      if (port !== undefined) await pullOut();
    },
    replug: async () => {
      if (port === undefined && !closed) await plugIn();
    },
    close: async () => {
      closed = true;
      sim.dispose();
      await pullOut();
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
