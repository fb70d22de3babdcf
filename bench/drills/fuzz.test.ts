import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const drill = fileURLToPath(new URL('./fuzz.ts', import.meta.url));

describe('fuzz drill (default size: 100,000 inputs over every parser)', () => {
  it('finds no crash, no stall and no state change from refused input', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', drill], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const last = run.stdout.trimEnd().split('\n').at(-1) ?? '';
    const figures = JSON.parse(last) as {
      held: boolean;
      inputs: number;
      crashes: number;
      stalls: number;
      stateChangesAndWrongDecodes: number;
      parsers: Record<string, { inputs: number; refused: number }>;
    };
    expect(run.stderr).not.toMatch(/FAILED/);
    expect(figures).toMatchObject({
      held: true,
      inputs: 100_000,
      crashes: 0,
      stalls: 0,
      stateChangesAndWrongDecodes: 0,
    });
    expect(run.status).toBe(0);
    // Every parser ran and refused some of what it got: the inputs reach its checks.
    expect(Object.keys(figures.parsers)).toHaveLength(11);
    for (const parser of Object.values(figures.parsers)) expect(parser.refused).toBeGreaterThan(0);
  }, 150_000);
});
