/**
 * Benchmark support for the benchmarks' and drills' own tests: runs `npm run bench -- <name> …`
 * (or `npm run drill -- <name> …`) as a user would (bench/run.ts in a child process) and hands
 * back its last line, parsed. A drill that exits non-zero still hands back its figures, with
 * `exitCode`, so its test can say what broke.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const run = join(dirname(fileURLToPath(import.meta.url)), '..', 'run.ts');

export function runBench(
  name: string,
  flags: string[],
  o: { drill?: boolean } = {},
): Promise<Record<string, unknown>> {
  const kind = o.drill ? ['--drills'] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', run, ...kind, name, ...flags], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0 && !o.drill)
        return reject(new Error(`bench ${name} exited with ${code}:\n${err}`));
      const last = out.trimEnd().split('\n').at(-1) ?? '';
      try {
        const figures = JSON.parse(last) as Record<string, unknown>;
        resolve(o.drill ? { ...figures, exitCode: code, output: out.slice(-4000) + err } : figures);
      } catch {
        reject(new Error(`bench ${name}: the last line is not JSON: ${last}\n${err}`));
      }
    });
  });
}
