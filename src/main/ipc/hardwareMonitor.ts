/** Keeps what the staff diagnostics panel shows: lock-bus faults and the scanner's presence. */
import type { BarcodeScanner, ScannerStatus } from '../../../hardware/scanner/types';
import type { LockBoard } from '../core/lockBoard';

export class HardwareMonitor {
  private boardFault: { reason: string; at: number } | null = null;
  private boardOk = true;
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
          this.boardOk = false;
          this.boardFault = { reason: event.reason, at: this.now() };
        } else if (event.type === 'recovered') this.boardOk = true;
      }),
    );
    if (scanner) this.unsubscribe.push(scanner.onStatus((s) => (this.scannerStatus = s)));
  }

  lockBoard(): { state: 'ok' | 'fault'; lastFault: string | null; lastFaultAt: number | null } {
    return {
      state: this.boardOk ? 'ok' : 'fault',
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
