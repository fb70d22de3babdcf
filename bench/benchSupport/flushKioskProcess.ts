/**
 * Starts and stops a kiosk process (the flush benchmark's flushKiosk.ts, or another script that
 * speaks the same line protocol, such as the kill drill's) and reads its SQLite file from
 * outside, as an observer that takes no part in its work.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const script = fileURLToPath(new URL('./flushKiosk.ts', import.meta.url));

export interface KioskEnv {
  DB_FILE: string;
  IDENTITY_FILE: string;
  BROKER_URL: string;
  LOCKER_ID: string;
  CLOUD_PUBLIC_KEY: string;
  RATE: string;
}

export interface KioskSpawnOptions {
  backlogEvents?: number;
  cpuProfDir?: string;
  /** Node's arguments for another kiosk script (default: flushKiosk.ts under tsx). */
  command?: string[];
  /** More environment for the script. */
  env?: Record<string, string>;
}

export class FlushKioskProcess {
  /** Every line the process printed so far. */
  readonly lines: string[] = [];
  private readonly waiters: (() => void)[] = [];
  private readonly listeners: ((line: string) => void)[] = [];
  /** Resolves when the process has ended, however. */
  readonly exited: Promise<void>;

  private constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      for (const listen of this.listeners) listen(line);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** A kiosk process; with `backlogEvents` it builds that backlog offline before connecting. */
  static spawn(env: KioskEnv, o: KioskSpawnOptions = {}) {
    const profile = o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : [];
    const child = spawn(
      process.execPath,
      [...profile, ...(o.command ?? ['--import', 'tsx', script])],
      {
        env: {
          ...process.env,
          ...env,
          ...o.env,
          ...(o.backlogEvents ? { BACKLOG_EVENTS: String(o.backlogEvents) } : {}),
        },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    return new FlushKioskProcess(child);
  }

  /** Calls `listener` with every line printed from now on. */
  onLine(listener: (line: string) => void): void {
    this.listeners.push(listener);
  }

  /** Whether the process has ended. */
  get ended(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Waits for the first line starting with `word` and returns the rest of it. */
  async said(word: string, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.find((l) => l === word || l.startsWith(`${word} `));
      if (line !== undefined) return line.slice(word.length).trim();
      if (this.child.exitCode !== null || this.child.signalCode !== null)
        throw new Error(`the kiosk process ended before it said ${word}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the kiosk process did not say ${word} in ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Tells a kiosk holding its backlog to connect. */
  connect(): void {
    this.child.stdin!.write('connect\n');
  }

  /** SIGKILL: a power cut, nothing flushed or closed. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM: the kiosk closes its link and core in order. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}

/** The kiosk's chain head and recorded cloud ack, read from its database file. */
export function kioskProgress(dbFile: string): { head: number; acked: number } {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const head = (db.prepare('SELECT max(seq) AS s FROM events').get() as { s: number | null }).s;
    const acked = db.prepare(`SELECT value FROM meta WHERE key = 'acked_seq'`).get() as
      { value: string } | undefined;
    return { head: head ?? 0, acked: Number(acked?.value ?? 0) };
  } finally {
    db.close();
  }
}
