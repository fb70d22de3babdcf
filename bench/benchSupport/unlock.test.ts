/**
 * `npm run bench -- unlock` still works, at a tiny size: every scenario measures its pickups and
 * a floor, refuses none, and the flushing one drains real backlogs through the broker (the
 * figures themselves are the benchmark's business, not this test's).
 */
import { describe, expect, it } from 'vitest';
import { runBench } from './runBench';

describe('bench unlock', () => {
  it('runs idle, backlog and flushing at a tiny size and ends with its JSON line', async () => {
    const result = (await runBench('unlock', [
      '--pickups',
      '3',
      '--compartments',
      '3',
      '--warmup',
      '1',
      '--backlog',
      '1000',
      '--idle',
      '--flushing',
    ])) as {
      scenarios: Record<
        string,
        {
          unlockMs: { n: number; p50: number };
          floorMs: { n: number };
          refused: string[];
          cloudFailures: number;
          flush?: { rounds: number };
        }
      >;
    };
    expect(Object.keys(result.scenarios).sort()).toEqual(['backlog', 'flushing', 'idle']);
    for (const s of Object.values(result.scenarios)) {
      expect(s.unlockMs.n).toBe(3);
      expect(s.unlockMs.p50).toBeGreaterThan(0);
      expect(s.floorMs.n).toBeGreaterThan(0);
      expect(s.refused).toEqual([]);
      expect(s.cloudFailures).toBe(0);
    }
    expect(result.scenarios.flushing!.flush!.rounds).toBeGreaterThan(0);
  }, 240_000);
});
