import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bench = (name: string) => fileURLToPath(new URL(`../${name}.ts`, import.meta.url));

/** Runs a benchmark script as `npm run bench` does and parses its last line. */
function run(name: string, flags: string[]): Record<string, unknown> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', bench(name), ...flags], {
    encoding: 'utf8',
    timeout: 180_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  expect(r.status, r.stderr).toBe(0);
  const last = r.stdout.trimEnd().split('\n').at(-1) ?? '';
  return JSON.parse(last) as Record<string, unknown>;
}

// The figures are not judged here (a shared machine is noisy): only that each benchmark still
// runs end to end on a tiny fleet and reports what it must.
describe('the cloud benchmarks at a tiny size', () => {
  it('allocation: both phases, the ceiling beside them, nothing over-promised, every command delivered', () => {
    const figures = run('allocation', [
      ...['--lockers', '2', '--compartments', '10', '--clients', '4', '--rounds', '1'],
      ...['--full-requests', '40', '--ceiling-requests', '40'],
    ]);
    expect(figures).toMatchObject({
      lockers: 2,
      spare: { requests: 10, created: 10, refused: 0, failed: 0 },
      full: { requests: 40, failed: 0 },
      overPromised: 0,
    });
    const full = figures['full'] as { created: number; refused: number };
    expect(full.created + full.refused).toBe(40);
    expect(full.refused).toBeGreaterThan(full.created);
    expect((figures['ceiling'] as { perSec: number }).perSec).toBeGreaterThan(0);
    expect(figures['commandsDelivered']).toBe(figures['commandsIssued']);
  }, 200_000);

  it('ingest: both kinds of chain stored whole, with the verify ceiling', () => {
    const figures = run('ingest', ['--lockers', '2', '--events', '60']);
    for (const kind of ['trivial', 'operations'])
      expect(figures[kind], kind).toMatchObject({ events: 120, batches: 2 });
    expect(figures['verifyPerCore']).toBeGreaterThan(0);
  }, 200_000);
});
