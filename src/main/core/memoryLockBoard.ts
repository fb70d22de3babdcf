/**
 * A lock board held in memory: the LockBoard port with doors a test (or the headless demo)
 * moves by hand. Unlocking opens the door at once unless the lock is jammed; closing, placing
 * and removing items are explicit. Board faults are switched on and off: a failing board
 * answers nothing and reports no changes (nobody can read it), and when it answers again it
 * reports a baseline of each board, as the serial driver does.
 */
import type {
  BoardState,
  LockAddress,
  LockBoard,
  LockBoardEvent,
  LockBoardFailure,
  LockBoardResult,
} from './lockBoard';

interface MemoryLock {
  locked: boolean;
  itemPresent: boolean | null;
  jammed: boolean;
}

export class MemoryLockBoard implements LockBoard {
  private readonly locks = new Map<string, MemoryLock>();
  private readonly listeners = new Set<(e: LockBoardEvent) => void>();
  private failing: LockBoardFailure | null = null;

  /**
   * When set, every command fails this way (unplugged bus, silent board). Like the serial
   * driver, the board reports going down (`fault`) and coming back (`recovered`).
   */
  get failure(): LockBoardFailure | null {
    return this.failing;
  }

  set failure(failure: LockBoardFailure | null) {
    const was = this.failing;
    this.failing = failure;
    if (was === null && failure !== null) this.emit({ type: 'fault', reason: failure });
    if (was !== null && failure === null) {
      this.emit({ type: 'recovered' });
      for (const board of new Set([...this.locks.keys()].map((k) => Number(k.split('/')[0]))))
        this.emit({ type: 'baseline', state: this.state(board) });
    }
  }

  /** The latch fires on an unlock, but the board's answer is lost on the way (a timeout). */
  mute = false;
  /** Every unlock the board acted on (the latch fired), in order. */
  readonly unlocked: LockAddress[] = [];

  constructor(
    layout: readonly { board: number; lock: number }[],
    options: { infrared?: boolean } = {},
  ) {
    for (const { board, lock } of layout) {
      this.locks.set(`${board}/${lock}`, {
        locked: true,
        itemPresent: options.infrared ? false : null,
        jammed: false,
      });
    }
  }

  private lock(address: LockAddress): MemoryLock {
    const lock = this.locks.get(`${address.board}/${address.lock}`);
    if (!lock) throw new Error(`no lock ${address.board}/${address.lock}`);
    return lock;
  }

  async unlock(address: LockAddress): Promise<LockBoardResult<void>> {
    if (this.failure) return { ok: false, error: this.failure };
    if (!this.locks.has(`${address.board}/${address.lock}`))
      return { ok: false, error: 'no_such_lock' };
    this.unlocked.push(address);
    const lock = this.lock(address);
    if (!lock.jammed && lock.locked) {
      lock.locked = false;
      this.emit({ type: 'door', ...address, locked: false });
    }
    return this.mute ? { ok: false, error: 'timeout' } : { ok: true, value: undefined };
  }

  async queryBoard(board: number): Promise<LockBoardResult<BoardState>> {
    if (this.failure) return { ok: false, error: this.failure };
    const state = this.state(board);
    return state.locks.length > 0 ? { ok: true, value: state } : { ok: false, error: 'timeout' };
  }

  private state(board: number): BoardState {
    const locks = [...this.locks.entries()]
      .filter(([key]) => key.startsWith(`${board}/`))
      .map(([key, l]) => ({
        lock: Number(key.split('/')[1]),
        locked: l.locked,
        itemPresent: l.itemPresent,
      }));
    return { board, locks };
  }

  onEvent(listener: (event: LockBoardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  /** Someone pushes the door shut. */
  closeDoor(address: LockAddress): void {
    const lock = this.lock(address);
    if (lock.locked) return;
    lock.locked = true;
    this.emit({ type: 'door', ...address, locked: true });
  }

  /** A door opened without an unlock (forced), or held open at start-up. */
  forceOpen(address: LockAddress): void {
    const lock = this.lock(address);
    if (!lock.locked) return;
    lock.locked = false;
    this.emit({ type: 'door', ...address, locked: false });
  }

  setItem(address: LockAddress, present: boolean): void {
    const lock = this.lock(address);
    if (lock.itemPresent === null || lock.itemPresent === present) return;
    lock.itemPresent = present;
    this.emit({ type: 'item', ...address, present });
  }

  jam(address: LockAddress, jammed = true): void {
    this.lock(address).jammed = jammed;
  }

  isOpen(address: LockAddress): boolean {
    return !this.lock(address).locked;
  }

  /** Whether something is physically inside (false where there is no item sensor). */
  hasItem(address: LockAddress): boolean {
    return this.lock(address).itemPresent === true;
  }

  private emit(event: LockBoardEvent): void {
    // A board nobody can read reports no changes; its baseline tells them when it answers.
    if (this.failing && (event.type === 'door' || event.type === 'item')) return;
    for (const l of this.listeners) l(event);
  }
}
