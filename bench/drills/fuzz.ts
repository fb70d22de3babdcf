/**
 * Fuzz drill: `npm run drill -- fuzz [--runs N] [--seed S] [--only <parser>[,<parser>…]]`.
 * Feeds every parser that takes input from outside (lock-board frames both ways and both
 * families, HID-POS and boot keyboard reports, MQTT commands and acks into the kiosk, the
 * kiosk's IPC inputs, REST bodies into the cloud, kiosk config files) random, damaged and good
 * inputs through its real handling path, each parser in its own process under a watchdog.
 * Holds when there are 0 crashes, 0 stalls (every input handled within its parser's bound) and
 * 0 state changes from refused input. Default: 100,000 inputs in all (each parser's share in
 * drillSupport/fuzz/parsers.ts); `--runs N`: N per parser.
 */
import { fork } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ParserFigures } from './drillSupport/fuzz/parserFuzz';
import { PARSERS } from './drillSupport/fuzz/parsers';

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

const runs = flag('runs') === undefined ? undefined : Number(flag('runs'));
const seed = Number(flag('seed') ?? Date.now() % 2 ** 31);
const only = flag('only');
const names = Object.keys(PARSERS).filter((n) => only === undefined || only.split(',').includes(n));
if (names.length === 0) {
  process.stderr.write(
    `fuzz: no parser "${only}"; there are: ${Object.keys(PARSERS).join(', ')}\n`,
  );
  process.exit(2);
}
// A child that reports no progress for this long is hung inside one input: a stall.
const WATCHDOG_MS = Number(flag('watchdog-ms') ?? 60_000);
const child = fileURLToPath(new URL('./drillSupport/fuzz/fuzzChild.ts', import.meta.url));

function runParser(name: string): Promise<ParserFigures> {
  return new Promise((resolve) => {
    const args = [name, String(runs ?? ''), String(seed)];
    const proc = fork(child, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let figures: ParserFigures | undefined;
    let lastDone = 0;
    let lastSaid = performance.now();
    const unhandled: string[] = [];
    let watchdog = setTimeout(hung, WATCHDOG_MS);
    function hung() {
      proc.kill('SIGKILL');
      figures = broken(
        name,
        'stall',
        `no progress for ${WATCHDOG_MS} ms after input ${lastDone}: hung`,
      );
    }
    proc.on('message', (m: { progress?: number; figures?: ParserFigures; unhandled?: string }) => {
      clearTimeout(watchdog);
      watchdog = setTimeout(hung, WATCHDOG_MS);
      if (m.progress !== undefined) {
        lastDone = m.progress;
        // A long run says where it is now and then, on stderr.
        if (performance.now() - lastSaid > 60_000) {
          lastSaid = performance.now();
          process.stderr.write(`fuzz: ${name}: ${lastDone} inputs handled\n`);
        }
      }
      if (m.unhandled !== undefined) unhandled.push(m.unhandled);
      if (m.figures !== undefined) figures = m.figures;
    });
    proc.on('exit', (code, signal) => {
      clearTimeout(watchdog);
      const result =
        figures ??
        broken(name, 'crash', `the process exited (${code ?? signal}) after input ${lastDone}`);
      for (const detail of unhandled.slice(0, 3)) {
        result.failures.push({
          kind: 'crash',
          index: -1,
          input: '(a promise nobody awaited)',
          detail: detail.slice(0, 400),
        });
      }
      resolve(result);
    });
  });
}

function broken(parser: string, kind: 'crash' | 'stall', detail: string): ParserFigures {
  return {
    parser,
    seed,
    inputs: 0,
    rejected: 0,
    accepted: 0,
    crashes: kind === 'crash' ? 1 : 0,
    stalls: kind === 'stall' ? 1 : 0,
    violations: 0,
    boundMs: WATCHDOG_MS,
    maxInputMs: 0,
    elapsedMs: 0,
    failures: [{ kind, index: -1, input: '(unknown)', detail }],
  };
}

const started = performance.now();
const results: ParserFigures[] = [];
// Two parsers at a time: the I/O-bound ones (broker, HTTP) wait more than they compute.
const queue = [...names];
const PARALLEL = Number(flag('parallel') ?? 2);
await Promise.all(
  Array.from({ length: PARALLEL }, async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift())
      results.push(await runParser(name));
  }),
);
results.sort((a, b) => names.indexOf(a.parser) - names.indexOf(b.parser));
for (const result of results) {
  const name = result.parser;
  const failed = result.crashes + result.stalls + result.violations;
  process.stderr.write(
    `fuzz: ${name}: ${result.inputs} inputs (${result.rejected} refused) in ${result.elapsedMs} ms, ` +
      `max ${result.maxInputMs} ms per input, ${failed === 0 ? 'held' : `${failed} FAILED`}\n`,
  );
  for (const f of result.failures)
    process.stderr.write(`  ${f.kind} at #${f.index}: ${f.detail}\n    input: ${f.input}\n`);
}
const sum = (key: 'inputs' | 'rejected' | 'crashes' | 'stalls' | 'violations') =>
  results.reduce((total, r) => total + r[key], 0);
const held = sum('crashes') + sum('stalls') + sum('violations') === 0;
const summary = {
  drill: 'fuzz',
  held,
  seed,
  runsPerParser: runs ?? 'default split',
  inputs: sum('inputs'),
  refused: sum('rejected'),
  crashes: sum('crashes'),
  stalls: sum('stalls'),
  stateChangesAndWrongDecodes: sum('violations'),
  parsers: Object.fromEntries(
    results.map((r) => [
      r.parser,
      {
        inputs: r.inputs,
        refused: r.rejected,
        crashes: r.crashes,
        stalls: r.stalls,
        violations: r.violations,
        boundMs: r.boundMs,
        maxInputMs: r.maxInputMs,
        ms: r.elapsedMs,
        ...r.own,
      },
    ]),
  ),
  elapsedMs: Math.round(performance.now() - started),
  cores: availableParallelism(),
  loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
};
process.stdout.write(`${JSON.stringify(summary)}\n`);
process.exit(held ? 0 : 1);
