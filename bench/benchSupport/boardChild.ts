/**
 * Benchmark support: the lock boards in a process of their own, as on a real locker, on a socat
 * pty pair. Stamps each unlock frame with the monotonic clock (process.hrtime, which every process
 * on the machine shares) the moment its last byte is read, and prints it as one JSON line:
 *   {"ready": kioskPath, "priority": "raised" | …}        once the pty is up
 *   {"unlock": {"board", "lock"}, "atNs": "…"}             a frame for a compartment's lock
 *   {"floor": {"board", "lock"}, "atNs": "…"}              a frame for the floor lock
 * The floor lock is deaf: its frames are stamped and nothing else (no pulse, no reply), so the
 * floor probe disturbs neither the kiosk nor the doors. A person stands at every door the board
 * opens: `--swap-after` ms later they take out or put in the parcel (the item sensor flips) and
 * shut it. Ends when stdin closes.
 *
 *   node --import tsx bench/benchSupport/boardChild.ts --boards 0,1 --floor 0:16
 *     [--open-delay 30] [--swap-after 1500]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BoardRequest } from '../../hardware/lockboard/boardProtocol';
import { openSerialTransport } from '../../hardware/lockboard/busTransport';
import { FrameReader } from '../../hardware/lockboard/frameReader';
import { LockBusSimulator } from '../../hardware/sim/lockBusSimulator';
import { startPtyPair } from '../../hardware/sim/ptyPair';

const { values } = parseArgs({
  options: {
    boards: { type: 'string' },
    floor: { type: 'string' },
    'open-delay': { type: 'string', default: '30' },
    'swap-after': { type: 'string', default: '1500' },
  },
});
const boards = (values.boards ?? '0').split(',').map(Number);
const [floorBoard, floorLock] = (values.floor ?? '0:16').split(':').map(Number) as [number, number];
const openDelayMs = Number(values['open-delay']);
const swapAfterMs = Number(values['swap-after']);

// A lock board is a microcontroller of its own, not a process sharing the kiosk's CPU: raised
// priority (inherited by socat, the "wire") keeps the simulator's scheduling out of the figures.
let priority = 'raised';
try {
  setPriority(-10);
} catch {
  priority = 'normal (no permission to raise it)';
}

const sim = new LockBusSimulator({ protocol: 'kerong-cu16', boards, doorOpenDelayMs: openDelayMs });
const reader = new FrameReader<BoardRequest>(sim.protocol.requestFormat);
const dir = mkdtempSync(join(tmpdir(), 'bench-bus-'));
const pty = await startPtyPair(dir);
const boardEnd = await openSerialTransport(pty.boardPath, sim.protocol.defaultBaudRate);
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

/** The person at an opened door: takes the parcel out or puts one in, then shuts the door. */
function personAt(board: number, lock: number): void {
  setTimeout(() => {
    const view = sim.boards().find((b) => b.board === board)?.locks[lock - 1];
    if (!view?.doorOpen) return;
    sim.setItem(board, lock, !view.itemPresent);
    sim.closeDoor(board, lock);
  }, openDelayMs + swapAfterMs);
}

boardEnd.onData((chunk) => {
  const atNs = process.hrtime.bigint().toString();
  for (const request of reader.push(chunk)) {
    if (request.kind === 'unlock') {
      const address = { board: request.board, lock: request.lock };
      if (request.board === floorBoard && request.lock === floorLock) {
        say({ floor: address, atNs });
        continue;
      }
      say({ unlock: address, atNs });
      personAt(request.board, request.lock);
    }
    const reply = sim.hear(request);
    if (reply !== undefined) boardEnd.write(reply.bytes).catch(() => undefined);
  }
});
boardEnd.onLost(() => undefined);
say({ ready: pty.kioskPath, priority });

process.stdin.resume();
process.stdin.on('end', () => {
  void (async () => {
    sim.dispose();
    await boardEnd.close();
    await pty.stop();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  })();
});
