/**
 * `npm run bench -- renderer` still works, at a tiny size: the bundle is measured, the kiosk's
 * home screen becomes interactive in Chromium and keypad taps reach the screen.
 */
import { describe, expect, it } from 'vitest';
import { runBench } from './runBench';

describe('bench renderer', () => {
  it('measures the bundle, one cold and one warm load, and a few taps', async () => {
    const result = (await runBench('renderer', ['--cold', '1', '--warm', '1', '--taps', '3'])) as {
      bundle: { jsGzipKb: number };
      coldMs: { kiosk: number; floor: number };
      warmMs: { kiosk: number };
      tapToPaintMs: { kiosk: { n: number }; floor: { n: number } };
    };
    expect(result.bundle.jsGzipKb).toBeGreaterThan(0);
    expect(result.coldMs.kiosk).toBeGreaterThan(0);
    expect(result.coldMs.floor).toBeGreaterThan(0);
    expect(result.warmMs.kiosk).toBeGreaterThan(0);
    expect(result.tapToPaintMs.kiosk.n).toBe(3);
    expect(result.tapToPaintMs.floor.n).toBe(3);
  }, 240_000);
});
