/**
 * Simulated lock boards on one bus: doors that spring open a while after an unlock and shut on
 * request, infrared item sensors, per-board faults, and an adapter that may echo. It answers
 * decoded requests with the real reply bytes of its family; moving those bytes (and the echo)
 * is startSimulatedLockBus's job.
 */
import type { BoardReading, BoardRequest, LockBoardProtocolName } from '../lockboard/boardProtocol';
import { boardProtocols } from '../lockboard/protocols';
import type { BoardProtocol } from '../lockboard/boardProtocol';

/**
 * jam: the latch stays engaged (Kerong acknowledges anyway; LCB24 answers SS=11);
 * silent: hears nothing, does nothing; garbled: corrupt answers; mute: acts on every request
 * but its answers are lost; late: answers only after `lateReplyMs`.
 */
export type BoardFault = 'jam' | 'silent' | 'garbled' | 'mute' | 'late';
export const boardFaults: readonly BoardFault[] = ['jam', 'silent', 'garbled', 'mute', 'late'];

export interface LockBusSimulatorOptions {
  protocol: LockBoardProtocolName;
  /** Board addresses on the bus. */
  boards: number[];
  /** How long after an unlock the door springs open. */
  doorOpenDelayMs?: number;
  /** The bit value the simulated board reports for a locked door. */
  lockedBitValue?: 0 | 1;
  /** How late a board with the `late` fault answers; longer than the driver's reply timeout. */
  lateReplyMs?: number;
}

export interface SimLockView {
  lock: number;
  locked: boolean;
  doorOpen: boolean;
  /** null where the family has no item sensors. */
  itemPresent: boolean | null;
  /** Unlock requests the board acted on (muted, late, jammed or garbled ones too). */
  pulses: number;
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
  /** silent, then muted, then garbled, then late win when several faults are on. */
  answer: 'replied' | 'silent' | 'garbled' | 'muted' | 'late';
  /** The adapter echoed the request's bytes back before any answer. */
  echoed: boolean;
}

/** Reply bytes and how long after the request they go on the wire. */
export interface SimReply {
  bytes: Uint8Array;
  delayMs: number;
}

export type SimResult = { ok: true } | { ok: false; error: string };

interface SimLock {
  doorOpen: boolean;
  itemPresent: boolean;
  opening: NodeJS.Timeout | undefined;
  pulses: number;
}

interface SimBoard {
  faults: Record<BoardFault, boolean>;
  locks: SimLock[];
}

const noFaults = (): Record<BoardFault, boolean> =>
  Object.fromEntries(boardFaults.map((fault) => [fault, false])) as Record<BoardFault, boolean>;

export class LockBusSimulator {
  readonly protocol: BoardProtocol;
  /** The RS-485 adapter echoes every byte the kiosk sends (a bus property, not a board's). */
  echo = false;
  private readonly boardsByAddress = new Map<number, SimBoard>();
  private readonly doorOpenDelayMs: number;
  private readonly lockedBitValue: 0 | 1;
  private readonly lateReplyMs: number;
  private readonly exchangeListeners = new Set<(exchange: SimExchange) => void>();

  constructor(options: LockBusSimulatorOptions) {
    this.protocol = boardProtocols[options.protocol];
    this.doorOpenDelayMs = options.doorOpenDelayMs ?? 300;
    this.lockedBitValue = options.lockedBitValue ?? 1;
    this.lateReplyMs = options.lateReplyMs ?? 600;
    for (const address of options.boards) {
      if (!Number.isInteger(address) || address < 0 || address > this.protocol.maxBoard) {
        throw new Error(
          `board ${address} is out of range for ${this.protocol.name} (0-${this.protocol.maxBoard})`,
        );
      }
      this.boardsByAddress.set(address, {
        faults: noFaults(),
        locks: Array.from({ length: this.protocol.locksPerBoard }, () => ({
          doorOpen: false,
          itemPresent: false,
          opening: undefined,
          pulses: 0,
        })),
      });
    }
  }

  /** The answer to the next request of this kind is lost (the board acts on it all the same). */
  loseNextAnswer(kind: BoardRequest['kind']): void {
    this.answerToLose = kind;
  }

  private answerToLose: BoardRequest['kind'] | undefined;

  /** The board acts on one request; returns what it sends back and when, or undefined for nothing. */
  hear(request: BoardRequest): SimReply | undefined {
    const board = this.boardsByAddress.get(request.board);
    if (board === undefined) return undefined; // no board at that address: the bus stays quiet
    if (request.kind === 'unlock' && board.locks[request.lock - 1] === undefined) return undefined;
    if (board.faults.silent) return this.report(request, 'silent', undefined);
    const bytes = this.act(request, board);
    if (board.faults.mute) return this.report(request, 'muted', undefined);
    if (this.answerToLose === request.kind) {
      this.answerToLose = undefined;
      return this.report(request, 'muted', undefined);
    }
    if (board.faults.garbled) {
      return this.report(request, 'garbled', { bytes: garble(bytes), delayMs: this.delay(board) });
    }
    if (board.faults.late)
      return this.report(request, 'late', { bytes, delayMs: this.lateReplyMs });
    return this.report(request, 'replied', { bytes, delayMs: 0 });
  }

  /** The bytes the board sends back for one request, however late; undefined for none. */
  answer(request: BoardRequest): Uint8Array | undefined {
    return this.hear(request)?.bytes;
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

  /** A door that opens without an unlock: a bounced latch, a forced door, a broken sensor cable. */
  openDoor(board: number, lock: number): SimResult {
    const found = this.lockAt(board, lock);
    if (!found.ok) return found;
    clearTimeout(found.lock.opening);
    found.lock.opening = undefined;
    found.lock.doorOpen = true;
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

  /** How many unlock requests for this lock the board acted on; 0 for a lock that is not there. */
  pulses(board: number, lock: number): number {
    const found = this.lockAt(board, lock);
    return found.ok ? found.lock.pulses : 0;
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
        pulses: lock.pulses,
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

  /** What the board does on hearing a request, and the reply it puts together. */
  private act(request: BoardRequest, board: SimBoard): Uint8Array {
    if (request.kind === 'query') {
      return this.protocol.encodeStateReply(this.reading(request.board, board));
    }
    const lock = board.locks[request.lock - 1] as SimLock;
    lock.pulses += 1;
    if (!board.faults.jam) this.releaseLatch(lock);
    return this.protocol.encodeUnlockReply(
      request.lock,
      this.reading(request.board, board),
      board.faults.jam,
    );
  }

  private delay(board: SimBoard): number {
    return board.faults.late ? this.lateReplyMs : 0;
  }

  private report<T>(request: BoardRequest, answer: SimExchange['answer'], reply: T): T {
    const exchange: SimExchange = { board: request.board, request, answer, echoed: this.echo };
    for (const listener of this.exchangeListeners) listener(exchange);
    return reply;
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
