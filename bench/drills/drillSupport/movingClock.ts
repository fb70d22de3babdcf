/**
 * Drill support: the wall clock plus days the drill has skipped, so a kiosk lives through weeks
 * in minutes (retention, pruning, expiry) while its monotonic clock and its timers run as usual.
 */
import type { Clock } from '../../../src/main/services/context';

export class MovingClock implements Clock {
  private skippedMs = 0;

  now = (): number => Date.now() + this.skippedMs;
  monotonic = (): number => performance.now();

  skip(ms: number): void {
    this.skippedMs += ms;
  }
}
