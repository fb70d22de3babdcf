/** `npm run bench -- memory` still works, at a tiny size, and ends with its JSON line. */
import { describe, expect, it } from 'vitest';
import { runBench } from './runBench';

describe('bench memory', () => {
  it('reads memory before, after a warm-up and along the cycles', async () => {
    const result = (await runBench('memory', ['--cycles', '20', '--warmup', '5'])) as {
      floor: { rssMb: number };
      warm: { heapUsedMb: number };
      readings: unknown[];
      cycles: number;
    };
    expect(result.cycles).toBe(20);
    expect(result.readings).toHaveLength(11);
    expect(result.floor.rssMb).toBeGreaterThan(0);
    expect(result.warm.heapUsedMb).toBeGreaterThan(0);
  }, 120_000);
});
