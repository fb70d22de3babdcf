/**
 * `npm run bench [-- <name> [flags…]]`: runs one benchmark, or every one in turn, each in its own
 * process so none warms or loads the next. A benchmark is `bench/<name>.ts` (the name in kebab
 * case, the file in camel case: `brute-force` → `bruteForce.ts`); it prints whatever it likes and
 * as its last line one JSON object with its figures. Run alone, the output is the benchmark's own;
 * run all, each benchmark's last line is collected and printed again at the end, one per line.
 *
 * `npm run drill [-- <name> [flags…]]` is the same runner over the fault drills in `bench/drills/`
 * (`--drills` as the first argument): a drill exits non-zero when what it guards did not hold.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const drills = process.argv[2] === '--drills';
const kind = drills ? 'drill' : 'bench';
const here = join(dirname(fileURLToPath(import.meta.url)), drills ? 'drills' : '');
const NOT_BENCHMARKS = new Set(['run.ts']);

const toKebab = (file: string) =>
  file.replace(/\.ts$/, '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const toFile = (name: string) =>
  `${name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())}.ts`;

const names = (drills && !existsSync(here) ? [] : readdirSync(here))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !NOT_BENCHMARKS.has(f))
  .map(toKebab)
  .sort();

function runOne(name: string, flags: string[], echo: boolean): string | null {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, toFile(name)), ...flags], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (echo) process.stdout.write(r.stdout);
  if (r.status !== 0) {
    process.stderr.write(`${kind} ${name}: exited ${r.status ?? r.signal}\n`);
    return null;
  }
  const last = r.stdout.trimEnd().split('\n').at(-1) ?? '';
  try {
    JSON.parse(last);
    return last;
  } catch {
    process.stderr.write(`${kind} ${name}: its last line is not one JSON object\n`);
    return null;
  }
}

const [name, ...flags] = process.argv.slice(drills ? 3 : 2);
if (name !== undefined) {
  if (!names.includes(name)) {
    process.stderr.write(`${kind}: no ${kind} "${name}"; there are: ${names.join(', ')}\n`);
    process.exit(2);
  }
  process.exit(runOne(name, flags, true) === null ? 1 : 0);
}

const lines: string[] = [];
let failed = 0;
for (const each of names) {
  process.stderr.write(`${kind}: ${each}\n`);
  const line = runOne(each, [], false);
  if (line === null) failed += 1;
  else lines.push(`{"${kind}":${JSON.stringify(each)},"figures":${line}}`);
}
for (const line of lines) process.stdout.write(`${line}\n`);
process.exit(failed === 0 ? 0 : 1);
