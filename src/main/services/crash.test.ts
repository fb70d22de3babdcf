/**
 * Crash test: a child process (crashWorker.ts) runs KioskCore on a real SQLite file with random
 * operations, and is killed with SIGKILL at random moments, over and over, on the same file.
 * After every kill the file must satisfy checkInvariants (chain included), must hold every
 * event the child reported committed, and its seq must never go backwards; every restart must
 * reconcile (with the doors as they physically were) into a state that satisfies them too.
 */
import { spawn } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../store/database';
import { bundledScript } from './testSupport/bundledScript';
import { checkInvariants } from './testSupport/invariants';
import { privateKeyFromSeed } from '../../shared/node/ed25519';

/** The worker's device key: fixed, so it survives restarts (see crashWorker.ts). */
const devicePublicKey = createPublicKey(privateKeyFromSeed(Buffer.alloc(32, 0x5e)));
const WORKER = resolve(import.meta.dirname, 'testSupport/crashWorker.ts');
const KILLS_PER_LANE = Number(process.env.CRASH_KILLS ?? 55);
const dir = mkdtempSync(join(tmpdir(), 'kiosk-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface RunOutcome {
  /** Violations the child found right after start-up reconciliation. */
  startViolations: string[] | null;
  /** Highest seq the child reported committed. */
  lastSeq: number;
  errors: string[];
  operations: number;
}

const rand = (n: number) => Math.floor(Math.random() * n);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the worker, lets it run a random while, kills it with SIGKILL. */
async function runAndKill(
  command: string[],
  dbFile: string,
  seed: number,
  infrared: boolean,
): Promise<RunOutcome> {
  const child = spawn(
    process.execPath,
    [...command, dbFile, String(seed), infrared ? 'infrared' : 'none'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const outcome: RunOutcome = { startViolations: null, lastSeq: 0, errors: [], operations: 0 };
  let buffer = '';
  let stderr = '';
  let started!: () => void;
  const startedP = new Promise<void>((r) => (started = r));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      const [word, rest = ''] = [
        line.slice(0, line.indexOf(' ')),
        line.slice(line.indexOf(' ') + 1),
      ];
      if (word === 'SEQ') {
        outcome.lastSeq = Number(rest);
        outcome.operations++;
      } else if (word === 'START') {
        const space = rest.indexOf(' ');
        outcome.lastSeq = Number(rest.slice(0, space));
        outcome.startViolations = JSON.parse(rest.slice(space + 1)) as string[];
        started();
      } else if (word === 'ERROR') outcome.errors.push(rest);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));

  // Some kills land while it starts up (migrations, reconciliation); most while it works.
  if (rand(5) === 0) await sleep(rand(120));
  else {
    await Promise.race([startedP, exited]);
    await sleep(rand(6) === 0 ? rand(5) : rand(150));
  }
  child.kill('SIGKILL');
  await exited;
  if (stderr.trim() !== '' && !stderr.includes('ExperimentalWarning'))
    outcome.errors.push(`stderr: ${stderr}`);
  return outcome;
}

/** Opens the file the way the next start would find it, before any reconciliation. */
function inspect(
  dbFile: string,
  chainCache: { seq: number; hash: string },
): { violations: string[]; maxSeq: number } {
  const db = openDatabase(dbFile);
  try {
    const maxSeq = (
      db.prepare('SELECT coalesce(max(seq), 0) AS s FROM events').get() as { s: number }
    ).s;
    return { violations: checkInvariants(db, devicePublicKey, { chainCache }), maxSeq };
  } finally {
    db.close();
  }
}

async function lane(
  command: string[],
  name: string,
  infrared: boolean,
): Promise<{ kills: number; operations: number; maxSeq: number }> {
  const dbFile = join(dir, `${name}.sqlite`);
  let maxSeq = 0;
  // Verified incrementally, each event once; the cache also catches an already verified event
  // that changed or disappeared. The last inspection verifies the whole chain again.
  const chainCache = { seq: 0, hash: '' };
  let operations = 0;
  for (let kill = 1; kill <= KILLS_PER_LANE + 1; kill++) {
    const run = await runAndKill(command, dbFile, kill, infrared);
    const where = `${name}, kill ${kill}`;
    expect(run.errors, `${where}: the worker reported errors`).toEqual([]);
    if (run.startViolations !== null)
      expect(run.startViolations.join('\n'), `${where}: after start-up reconciliation`).toBe('');
    operations += run.operations;
    if (!existsSync(dbFile)) continue; // killed before it even created the file
    const seen = inspect(dbFile, kill === KILLS_PER_LANE + 1 ? { seq: 0, hash: '' } : chainCache);
    expect(seen.violations.join('\n'), `${where}: the file after SIGKILL`).toBe('');
    expect(seen.maxSeq, `${where}: events reported committed are gone`).toBeGreaterThanOrEqual(
      run.lastSeq,
    );
    expect(seen.maxSeq, `${where}: the seq went backwards`).toBeGreaterThanOrEqual(maxSeq);
    maxSeq = seen.maxSeq;
  }
  return { kills: KILLS_PER_LANE + 1, operations, maxSeq };
}

it('survives SIGKILL at random moments with the store consistent and nothing committed lost', async () => {
  const command = await bundledScript(WORKER);
  // Two lanes on two files, one per core: without and with infrared item sensors.
  const results = await Promise.all([lane(command, 'no-ir', false), lane(command, 'ir', true)]);
  const kills = results.reduce((n, r) => n + r.kills, 0);
  if (process.env.CRASH_KILLS === undefined) expect(kills).toBeGreaterThanOrEqual(100);
  // The workers did real work between kills, and the chains grew across restarts.
  for (const r of results) {
    expect(r.operations).toBeGreaterThan(200);
    expect(r.maxSeq).toBeGreaterThan(200);
  }
}, 120_000);
