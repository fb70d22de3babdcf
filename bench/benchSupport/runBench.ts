/**
 * Benchmark support for the benchmarks' own tests: runs `npm run bench -- <name> …` as a user
 * would (bench/run.ts in a child process) and hands back its last line, parsed.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const run = join(dirname(fileURLToPath(import.meta.url)), '..', 'run.ts');

export function runBench(name: string, flags: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', run, name, ...flags], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`bench ${name} exited with ${code}:\n${err}`));
      const last = out.trimEnd().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(last) as Record<string, unknown>);
      } catch {
        reject(new Error(`bench ${name}: the last line is not JSON: ${last}\n${err}`));
      }
    });
  });
}
