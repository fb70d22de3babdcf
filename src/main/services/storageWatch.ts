/**
 * The kiosk's disk as the locker's work needs it. Below the storage reserve, deposits are
 * refused (a parcel put in must be recorded, and so must its pickup later): the space left is
 * kept for pickups, which empty compartments. Writes that found the disk full are counted; once
 * the space is back, a `storage.recovered` event says so, and the boards are read again, since
 * a door fact that could not be written while the disk was full was lost with its transaction.
 */
import { isStorageFull } from '../store/storageFull';
import type { LockerContext } from './context';
import type { Doors } from './doors';
import { listCompartments } from '../store/compartments';

/** How much room is left where the kiosk keeps its data; null when it cannot be told. */
export interface StorageGauge {
  freeBytes(): number | null;
}

export const unmeasured: StorageGauge = { freeBytes: () => null };

export class StorageWatch {
  private lowSince: number | null = null;
  private refusedDeposits = 0;
  private failedWrites = 0;

  constructor(
    private readonly ctx: LockerContext,
    private readonly doors: Doors,
    private readonly gauge: StorageGauge,
  ) {}

  private get reserveBytes(): number {
    return this.ctx.policy.storageReserveMb * 1_048_576;
  }

  /** Whether a deposit may take space now; a refusal is counted and the low space noted. */
  roomForDeposit(): boolean {
    const free = this.gauge.freeBytes();
    if (free === null || free >= this.reserveBytes) return true;
    this.refusedDeposits += 1;
    this.noteLow(free);
    return false;
  }

  /** A write failed because the disk is full (whoever caught the error says so). */
  noteFull(e: unknown): boolean {
    if (!isStorageFull(e)) return false;
    this.failedWrites += 1;
    this.noteLow(this.gauge.freeBytes() ?? 0);
    return true;
  }

  /** In the tick: the alert once the space is back, then the doors read afresh. */
  async onTime(): Promise<void> {
    if (this.lowSince === null) return;
    const free = this.gauge.freeBytes();
    if (free !== null && free < this.reserveBytes) return;
    const { db, audit, log } = this.ctx;
    try {
      db.transaction(() =>
        audit.append('storage.recovered', {
          lowSince: new Date(this.lowSince!).toISOString(),
          freeBytes: free ?? -1,
          refusedDeposits: this.refusedDeposits,
          failedWrites: this.failedWrites,
        }),
      )();
    } catch (e) {
      if (this.noteFull(e)) return; // not back yet after all
      throw e;
    }
    log.warn({ free, failedWrites: this.failedWrites }, 'storage space is back');
    this.lowSince = null;
    this.refusedDeposits = this.failedWrites = 0;
    for (const board of new Set(listCompartments(db).map((c) => c.board))) {
      const state = await this.ctx.board.queryBoard(board);
      this.doors.factsLost(board, state.ok ? state.value : null);
    }
  }

  private noteLow(free: number): void {
    if (this.lowSince !== null) return;
    const { db, audit, clock, log } = this.ctx;
    this.lowSince = clock.now();
    log.error({ free, reserve: this.reserveBytes }, 'storage low: deposits refused');
    try {
      // Said while it still fits; on a full disk only the recovery will be told.
      db.transaction(() =>
        audit.append('storage.low', { freeBytes: free, reserveBytes: this.reserveBytes }),
      )();
    } catch (e) {
      if (!isStorageFull(e)) throw e;
    }
  }
}
