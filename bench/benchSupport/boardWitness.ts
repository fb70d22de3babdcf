/**
 * Benchmark support: starts the lock boards in their own process (boardChild.ts) and tells when
 * the board side of the pty read the last byte of an unlock frame, on the clock all processes
 * share (process.hrtime.bigint()).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export interface LockAddress {
  board: number;
  lock: number;
}

/** Frames kept for waiters: far more than any run has in flight at once. */
const HEARD_KEPT = 2_000;

type Heard = { kind: 'unlock' | 'floor'; address: LockAddress; atNs: bigint };

interface Waiter {
  kind: Heard['kind'];
  address: LockAddress;
  afterNs: bigint;
  resolve: (atNs: bigint) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface BoardWitnessOptions {
  boards: number[];
  /** The deaf lock the floor probe writes to (no compartment may use it). */
  floor: LockAddress;
  openDelayMs?: number;
  /** How long the person at an opened door takes before swapping its contents and shutting it. */
  swapAfterMs?: number;
}

export class BoardWitness {
  private heard: Heard[] = [];
  /** Unlock frames heard per lock (`board/lock`), every one since the start: the pulses a drill counts. */
  readonly unlocksByLock = new Map<string, number>();
  private waiters = new Set<Waiter>();
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly kioskPath: string,
    /** Whether the boards' process (and socat) run at raised priority, as hardware would. */
    readonly priority: string,
  ) {}

  static async start(o: BoardWitnessOptions): Promise<BoardWitness> {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(here, 'boardChild.ts'),
        '--boards',
        o.boards.join(','),
        '--floor',
        `${o.floor.board}:${o.floor.lock}`,
        '--open-delay',
        String(o.openDelayMs ?? 30),
        '--swap-after',
        String(o.swapAfterMs ?? 1500),
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: child.stdout! });
    const ready = await new Promise<{ ready: string; priority: string }>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`board process exited with ${code}`)));
      lines.once('line', (line) => {
        const parsed = JSON.parse(line) as { ready?: string; priority?: string };
        if (parsed.ready) resolve({ ready: parsed.ready, priority: parsed.priority ?? '?' });
        else reject(new Error(`board process said ${line} before it was ready`));
      });
    });
    const witness = new BoardWitness(child, ready.ready, ready.priority);
    child.removeAllListeners('exit');
    child.once('exit', () => {
      witness.exited = true;
      for (const w of witness.waiters) w.reject(new Error('the board process went away'));
    });
    lines.on('line', (line) => witness.hear(line));
    return witness;
  }

  /** When the board read the last byte of an unlock of `address` sent after `afterNs`. */
  unlockHeard(address: LockAddress, afterNs: bigint, timeoutMs = 5_000): Promise<bigint> {
    return this.wait('unlock', address, afterNs, timeoutMs);
  }

  /** When the board read the last byte of a floor frame sent after `afterNs`. */
  floorHeard(address: LockAddress, afterNs: bigint, timeoutMs = 5_000): Promise<bigint> {
    return this.wait('floor', address, afterNs, timeoutMs);
  }

  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin?.end();
    await gone;
  }

  private wait(
    kind: Heard['kind'],
    address: LockAddress,
    afterNs: bigint,
    timeoutMs: number,
  ): Promise<bigint> {
    const found = this.take(kind, address, afterNs);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        kind,
        address,
        afterNs,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`no ${kind} frame for ${address.board}/${address.lock} heard`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  private hear(line: string): void {
    const parsed = JSON.parse(line) as {
      unlock?: LockAddress;
      floor?: LockAddress;
      atNs: string;
    };
    const kind = parsed.unlock ? 'unlock' : 'floor';
    const address = parsed.unlock ?? parsed.floor!;
    this.heard.push({ kind, address, atNs: BigInt(parsed.atNs) });
    // Frames nobody waits for (deposits' unlocks) would pile up over a long run.
    if (this.heard.length > HEARD_KEPT) this.heard.splice(0, this.heard.length - HEARD_KEPT);
    if (kind === 'unlock') {
      const lock = `${address.board}/${address.lock}`;
      this.unlocksByLock.set(lock, (this.unlocksByLock.get(lock) ?? 0) + 1);
    }
    for (const w of this.waiters) {
      const atNs = this.take(w.kind, w.address, w.afterNs);
      if (atNs === undefined) continue;
      clearTimeout(w.timer);
      this.waiters.delete(w);
      w.resolve(atNs);
    }
  }

  /** The first matching frame heard after `afterNs`; it is taken off the list. */
  private take(kind: Heard['kind'], address: LockAddress, afterNs: bigint): bigint | undefined {
    const index = this.heard.findIndex(
      (h) =>
        h.kind === kind &&
        h.atNs > afterNs &&
        h.address.board === address.board &&
        h.address.lock === address.lock,
    );
    if (index < 0) return undefined;
    const [hit] = this.heard.splice(index, 1);
    return hit!.atNs;
  }
}
