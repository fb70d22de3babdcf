/**
 * Bench support: the real cloud (`npm run cloud`, embedded broker, a temp data dir) in a child
 * process of its own, so the load a benchmark generates does not share the cloud's thread; its
 * CPU time (all threads) is read from /proc, and it can write a CPU profile on exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mintKey } from '../../cloud-mock/testSupport/cloudFixture';
import type { ApiRole } from '../../src/shared/rest/apiKeys';

const MAIN = fileURLToPath(new URL('../../cloud-mock/main.ts', import.meta.url));
const READY_MS = 30_000;
const CLOCK_TICKS = 100; // USER_HZ on Linux

export interface CloudProcess {
  httpUrl: string;
  mqttUrl: string;
  dataDir: string;
  pid: number;
  /** CPU seconds (user + system, every thread) the cloud has used so far. */
  cpuSeconds(): number;
  /** CPU seconds of its main thread alone: the one that parses, stores and answers. */
  mainThreadCpuSeconds(): number;
  /** An API key of this role, minted in the cloud's store as `keys create` does. */
  key(role: ApiRole): string;
  /** SIGTERM, then waits for a clean exit (which writes the CPU profile, if one was asked). */
  stop(): Promise<void>;
}

export interface CloudProcessOptions {
  /** Write a V8 CPU profile of the cloud into this directory when it stops. */
  cpuProfDir?: string;
  /** pino level of the cloud's log (default info); the log goes to `cloud.log` in the data dir. */
  logLevel?: string;
  /** Start on this data dir (a store the benchmark seeded) instead of a fresh one; removed too. */
  dataDir?: string;
}

export async function startCloudProcess(options: CloudProcessOptions = {}): Promise<CloudProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'bench-cloud-'));
  const logFd = openSync(join(dataDir, 'cloud.log'), 'a');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      ...(options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : []),
      MAIN,
      '--http-port',
      '0',
      '--mqtt-port',
      '0',
      '--data-dir',
      dataDir,
      '--no-scheduler',
    ],
    {
      stdio: ['ignore', 'pipe', logFd],
      env: { ...process.env, LOG_LEVEL: options.logLevel ?? 'info' },
    },
  );
  closeSync(logFd);
  try {
    const urls = await readyUrls(child);
    const pid = child.pid!;
    return {
      ...urls,
      dataDir,
      pid,
      cpuSeconds: () => processCpuSeconds(pid),
      mainThreadCpuSeconds: () => processCpuSeconds(pid, pid),
      key: (role) => mintKey(dataDir, role, `bench ${role}`),
      stop: async () => {
        await stopChild(child);
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await stopChild(child);
    const log = readFileSync(join(dataDir, 'cloud.log'), 'utf8').slice(-2000);
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`${(e as Error).message}\n${log}`);
  }
}

function readyUrls(child: ChildProcess): Promise<{ httpUrl: string; mqttUrl: string }> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the cloud did not start in time')), READY_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the cloud exited (${code}) before it was ready`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const http = /CLOUD_HTTP=(\S+)/.exec(out)?.[1];
      const mqtt = /CLOUD_MQTT=(\S+)/.exec(out)?.[1];
      if (http && mqtt) {
        clearTimeout(timer);
        resolve({ httpUrl: http, mqttUrl: mqtt });
      }
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** utime + stime (fields 14 and 15 of stat) of the whole process, or of one of its threads. */
export function processCpuSeconds(pid: number, thread?: number): number {
  const path = thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`;
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
