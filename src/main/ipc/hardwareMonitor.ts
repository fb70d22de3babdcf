/**
 * Keeps what the staff diagnostics panel shows: lock-bus faults, each board that cannot be read
 * (a silent board is a fault even while the bus and the other boards are fine), and the
 * scanner's presence.
 */
import type { BarcodeScanner, ScannerStatus } from '../../../hardware/scanner/types';
import type { LockBoard } from '../core/lockBoard';
import type { Diagnostics } from '../../shared/ipc/types';

export class HardwareMonitor {
  private boardFault: { reason: string; at: number } | null = null;
  private busOk = true;
  /** Boards that cannot be read now, with why and since when. */
  private readonly silent = new Map<number, { failure: string; since: number }>();
  private scannerStatus: ScannerStatus | 'none' = 'none';
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    board: LockBoard,
    scanner: BarcodeScanner | null,
    private readonly now: () => number = Date.now,
  ) {
    this.unsubscribe.push(
      board.onEvent((event) => {
        if (event.type === 'fault') {
          this.busOk = false;
          this.boardFault = { reason: event.reason, at: this.now() };
        } else if (event.type === 'recovered') this.busOk = true;
        else if (event.type === 'unreadable') {
          const since = this.now();
          this.silent.set(event.board, { failure: event.failure, since });
          this.boardFault = { reason: `board ${event.board}: ${event.failure}`, at: since };
        } else if (event.type === 'baseline') this.silent.delete(event.state.board);
      }),
    );
    if (scanner) this.unsubscribe.push(scanner.onStatus((s) => (this.scannerStatus = s)));
  }

  lockBoard(): Diagnostics['lockBoard'] {
    const silentBoards = [...this.silent].map(([board, s]) => ({ board, ...s }));
    return {
      state: this.busOk && silentBoards.length === 0 ? 'ok' : 'fault',
      busConnected: this.busOk,
      silentBoards,
      lastFault: this.boardFault?.reason ?? null,
      lastFaultAt: this.boardFault?.at ?? null,
    };
  }

  scanner(): ScannerStatus | 'none' {
    return this.scannerStatus;
  }

  close(): void {
    this.unsubscribe.forEach((u) => u());
  }
}
