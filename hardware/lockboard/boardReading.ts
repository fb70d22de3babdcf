/**
 * Turns raw sensor bits into the locker's view of a board, and two views into change events.
 * The lock-bit polarity lives here because it differs between installations.
 */
import type { BoardReading } from './boardProtocol';
import type { BoardState, LockBoardEvent } from './types';

export type LockedBitValue = 0 | 1;

export function boardStateFrom(
  reading: BoardReading,
  locksPerBoard: number,
  lockedBitValue: LockedBitValue,
): BoardState {
  const locks = Array.from({ length: locksPerBoard }, (_, index) => ({
    lock: index + 1,
    locked: ((reading.lockBits >> index) & 1) === lockedBitValue,
    itemPresent: reading.itemBits === null ? null : ((reading.itemBits >> index) & 1) === 1,
  }));
  return { board: reading.board, locks };
}

/** Door and item events for what changed between two readings of the same board. */
export function boardChanges(previous: BoardState, next: BoardState): LockBoardEvent[] {
  const events: LockBoardEvent[] = [];
  for (const lock of next.locks) {
    const before = previous.locks.find((l) => l.lock === lock.lock);
    if (before === undefined) continue;
    if (before.locked !== lock.locked) {
      events.push({ type: 'door', board: next.board, lock: lock.lock, locked: lock.locked });
    }
    if (
      lock.itemPresent !== null &&
      before.itemPresent !== null &&
      before.itemPresent !== lock.itemPresent
    ) {
      events.push({ type: 'item', board: next.board, lock: lock.lock, present: lock.itemPresent });
    }
  }
  return events;
}
