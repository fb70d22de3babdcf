/**
 * Simulated lock boards on one bus: doors that spring open a while after an unlock and shut on
 * request, infrared item sensors, and per-board faults. It answers decoded requests with the
 * real reply bytes of its family; moving those bytes is startSimulatedLockBus's job.
 */
import type { BoardReading, BoardRequest, LockBoardProtocolName } from '../lockboard/boardProtocol';
import { boardProtocols } from '../lockboard/protocols';
import type { BoardProtocol } from '../lockboard/boardProtocol';

/** jam: acknowledges unlocks but the door stays shut; silent: never answers; garbled: corrupt answers. */
export type BoardFault = 'jam' | 'silent' | 'garbled';
export const boardFaults: readonly BoardFault[] = ['jam', 'silent', 'garbled'];

export interface LockBusSimulatorOptions {
  protocol: LockBoardProtocolName;
  /** Board addresses on the bus. */
  boards: number[];
  /** How long after an unlock the door springs open. */
  doorOpenDelayMs?: number;
  /** The bit value the simulated board reports for a locked door. */
  lockedBitValue?: 0 | 1;
}

export interface SimLockView {
  lock: number;
  locked: boolean;
  doorOpen: boolean;
  /** null where the family has no item sensors. */
  itemPresent: boolean | null;
}

export interface SimBoardView {
  board: number;
  faults: Record<BoardFault, boolean>;
  locks: SimLockView[];
}

/** What happened to one request, for tests and diagnostics. */
export interface SimExchange {
  board: number;
  request: BoardRequest;
  answer: 'replied' | 'silent' | 'garbled';
}

export type SimResult = { ok: true } | { ok: false; error: string };

interface SimLock {
  doorOpen: boolean;
  itemPresent: boolean;
  opening: NodeJS.Timeout | undefined;
}

interface SimBoard {
  faults: Record<BoardFault, boolean>;
  locks: SimLock[];
}

export class LockBusSimulator {
  readonly protocol: BoardProtocol;
  private readonly boardsByAddress = new Map<number, SimBoard>();
  private readonly doorOpenDelayMs: number;
  private readonly lockedBitValue: 0 | 1;
  private readonly exchangeListeners = new Set<(exchange: SimExchange) => void>();

  constructor(options: LockBusSimulatorOptions) {
    this.protocol = boardProtocols[options.protocol];
    this.doorOpenDelayMs = options.doorOpenDelayMs ?? 300;
    this.lockedBitValue = options.lockedBitValue ?? 1;
    for (const address of options.boards) {
      if (!Number.isInteger(address) || address < 0 || address > this.protocol.maxBoard) {
        throw new Error(
          `board ${address} is out of range for ${this.protocol.name} (0-${this.protocol.maxBoard})`,
        );
      }
      this.boardsByAddress.set(address, {
        faults: { jam: false, silent: false, garbled: false },
        locks: Array.from({ length: this.protocol.locksPerBoard }, () => ({
          doorOpen: false,
          itemPresent: false,
          opening: undefined,
        })),
      });
    }
  }

  /** The reply bytes for one request, or undefined when nobody answers. */
  answer(request: BoardRequest): Uint8Array | undefined {
    const board = this.boardsByAddress.get(request.board);
    if (board === undefined) return undefined; // no board at that address: the bus stays quiet
    const report = (answer: SimExchange['answer']): void => {
      for (const listener of this.exchangeListeners)
        listener({ board: request.board, request, answer });
    };
    if (board.faults.silent) {
      report('silent');
      return undefined;
    }
    let reply: Uint8Array;
    if (request.kind === 'unlock') {
      const lock = board.locks[request.lock - 1];
      if (lock === undefined) return undefined;
      if (!board.faults.jam) this.releaseLatch(lock);
      reply = this.protocol.encodeUnlockReply(
        request.lock,
        this.reading(request.board, board),
        board.faults.jam,
      );
    } else {
      reply = this.protocol.encodeStateReply(this.reading(request.board, board));
    }
    if (board.faults.garbled) {
      report('garbled');
      return garble(reply);
    }
    report('replied');
    return reply;
  }

  /** Push a door shut: the latch engages and the lock reads locked again. */
  closeDoor(board: number, lock: number): SimResult {
    const found = this.lockAt(board, lock);
    if (!found.ok) return found;
    clearTimeout(found.lock.opening);
    found.lock.opening = undefined;
    found.lock.doorOpen = false;
    return { ok: true };
  }

  setItem(board: number, lock: number, present: boolean): SimResult {
    if (!this.protocol.hasItemSensors) {
      return { ok: false, error: `${this.protocol.name} boards have no item sensors` };
    }
    const found = this.lockAt(board, lock);
    if (!found.ok) return found;
    found.lock.itemPresent = present;
    return { ok: true };
  }

  setFault(board: number, fault: BoardFault, on: boolean): SimResult {
    const found = this.boardsByAddress.get(board);
    if (found === undefined) return { ok: false, error: this.noBoard(board) };
    found.faults[fault] = on;
    return { ok: true };
  }

  boards(): SimBoardView[] {
    return [...this.boardsByAddress].map(([address, board]) => ({
      board: address,
      faults: { ...board.faults },
      locks: board.locks.map((lock, index) => ({
        lock: index + 1,
        locked: !lock.doorOpen,
        doorOpen: lock.doorOpen,
        itemPresent: this.protocol.hasItemSensors ? lock.itemPresent : null,
      })),
    }));
  }

  onExchange(listener: (exchange: SimExchange) => void): () => void {
    this.exchangeListeners.add(listener);
    return () => void this.exchangeListeners.delete(listener);
  }

  /** Cancel doors still about to open, so nothing fires after the simulator is gone. */
  dispose(): void {
    for (const board of this.boardsByAddress.values()) {
      for (const lock of board.locks) clearTimeout(lock.opening);
    }
    this.exchangeListeners.clear();
  }

  private releaseLatch(lock: SimLock): void {
    if (lock.doorOpen || lock.opening !== undefined) return;
    lock.opening = setTimeout(() => {
      lock.opening = undefined;
      lock.doorOpen = true;
    }, this.doorOpenDelayMs);
  }

  private reading(address: number, board: SimBoard): BoardReading {
    let lockBits = 0;
    let itemBits = 0;
    board.locks.forEach((lock, index) => {
      const bit = lock.doorOpen ? 1 - this.lockedBitValue : this.lockedBitValue;
      lockBits |= bit << index;
      if (lock.itemPresent) itemBits |= 1 << index;
    });
    return { board: address, lockBits, itemBits: this.protocol.hasItemSensors ? itemBits : null };
  }

  private lockAt(
    board: number,
    lock: number,
  ): { ok: true; lock: SimLock } | { ok: false; error: string } {
    const found = this.boardsByAddress.get(board);
    if (found === undefined) return { ok: false, error: this.noBoard(board) };
    const simLock = Number.isInteger(lock) ? found.locks[lock - 1] : undefined;
    if (simLock === undefined) {
      return {
        ok: false,
        error: `board ${board} has no lock ${lock} (locks 1-${found.locks.length})`,
      };
    }
    return { ok: true, lock: simLock };
  }

  private noBoard(board: number): string {
    return `no board ${board} on this bus (boards: ${[...this.boardsByAddress.keys()].join(', ')})`;
  }
}

/** Flip one byte between the start byte and the checksum: any single-byte change breaks both checksums. */
function garble(reply: Uint8Array): Uint8Array {
  const corrupt = Uint8Array.from(reply);
  const index = 1 + Math.floor(Math.random() * (corrupt.length - 2));
  corrupt[index] = (corrupt[index] as number) ^ (1 + Math.floor(Math.random() * 255));
  return corrupt;
}
