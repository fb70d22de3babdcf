import { describe, expect, it } from 'vitest';
import { runBench } from './runBench';

// The figures are not judged here (a shared machine is noisy): only that the benchmark still
// runs end to end on a tiny fleet and reports what it must.
describe('the fleet benchmark at a tiny size', () => {
  it('seeds the fleet, times the scheduler beside its peer, reads and ingest alone and under reads', async () => {
    const f = await runBench('fleet', [
      ...['--lockers', '60', '--compartments', '10', '--clients', '2'],
      ...['--units', '1', '--events', '10', '--passes', '2', '--read-rate', '50'],
    ]);
    expect(f).toMatchObject({ lockers: 60, compartmentsPerLocker: 10, readsFailed: 0 });
    for (const figure of ['search', 'getLocker', 'floorRead'])
      expect((f[figure] as { n: number }).n, figure).toBeGreaterThan(0);
    const ingest = f['ingest'] as Record<string, { n: number }>;
    for (const phase of ['alone', 'underPacedReads', 'underReads'])
      expect(ingest[phase]!.n, phase).toBe(10);
    const scheduler = f['scheduler'] as Record<string, Record<string, number>>;
    expect(scheduler['firstPass']!['reminders']).toBeGreaterThan(0);
    expect(scheduler['idlePass']!['n']).toBe(2);
  }, 120_000);
});
