/**
 * A pseudo-terminal pair joined by socat: the kiosk opens one end as if it were the RS-485
 * adapter, the simulated board the other. Stopping socat makes both ends vanish, like an unplug.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface PtyPair {
  kioskPath: string;
  boardPath: string;
  readonly running: boolean;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 5_000;

export async function startPtyPair(dir: string): Promise<PtyPair> {
  const kioskPath = join(dir, 'kiosk');
  const boardPath = join(dir, 'board');
  const socat = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${kioskPath}`, `pty,raw,echo=0,link=${boardPath}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  await waitUntilReady(socat);
  let running = true;
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  void exited.then(() => {
    running = false;
  });
  return {
    kioskPath,
    boardPath,
    get running() {
      return running;
    },
    stop: async () => {
      if (running) socat.kill('SIGTERM');
      await exited;
    },
  };
}

/** socat says "starting data transfer loop" once both ptys and their links exist. */
function waitUntilReady(socat: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const fail = (why: string): void => {
      clearTimeout(timer);
      socat.kill('SIGTERM');
      reject(new Error(`socat did not start: ${why}\n${log}`));
    };
    const timer = setTimeout(() => fail('timed out'), READY_TIMEOUT_MS);
    socat.once('error', (error) => fail(error.message));
    socat.once('exit', (code) => fail(`exited with ${String(code)}`));
    socat.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('starting data transfer loop')) {
        clearTimeout(timer);
        socat.removeAllListeners('exit');
        socat.removeAllListeners('error');
        socat.stderr?.removeAllListeners('data');
        socat.stderr?.resume(); // keep draining so socat never blocks on a full pipe
        resolve();
      }
    });
  });
}
