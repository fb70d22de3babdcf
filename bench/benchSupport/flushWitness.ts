/**
 * A witness on the broker for the flush benchmark: its own process (flushWitnessChild.ts) with
 * its own MQTT client, subscribed to a locker's events, acks and commands, recording when each
 * message passed, which seqs each batch carried and how far each ack reached. The figures (publishes
 * per second and the most in any one second, events sent more than once, time to first ack)
 * come from what it saw on the wire. Times are epoch ms (`wallNow`), comparable across
 * processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { mostInOneSecond } from '../../src/main/cloud/testSupport/publishTimes';

const script = fileURLToPath(new URL('./flushWitnessChild.ts', import.meta.url));

/** Epoch milliseconds with sub-millisecond resolution, the clock the witness stamps with. */
export const wallNow = (): number => performance.timeOrigin + performance.now();

export interface SeenBatch {
  /** wallNow() when it arrived. */
  at: number;
  firstSeq: number;
  lastSeq: number;
  count: number;
}

export interface SeenAck {
  at: number;
  upToSeq: number;
}

export interface SeenCommand {
  at: number;
  id: string;
}

export interface WireFigures {
  publishes: number;
  publishesPerSecond: number;
  /** The most event publishes inside any one-second window. */
  maxPublishesInOneSecond: number;
  eventsSent: number;
  /** Events on the wire beyond the first time each seq was sent. */
  eventsSentTwice: number;
  eventsPerPublish: number;
  /** From the first events publish to the first ack that moved past `fromSeq`. */
  firstAckMs: number | null;
}

export class FlushWitness {
  readonly batches: SeenBatch[] = [];
  readonly acks: SeenAck[] = [];
  /** Every delivery of a command to the locker's topic, resends included. */
  readonly commands: SeenCommand[] = [];
  private waiters: { holds: () => boolean; resolve: () => void }[] = [];

  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** `reconnectMs`: how soon the witness tries again when the broker goes away (default 1 s). */
  static async connect(url: string, lockerId: string, reconnectMs = 1000): Promise<FlushWitness> {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: {
        ...process.env,
        BROKER_URL: url,
        LOCKER_ID: lockerId,
        RECONNECT_MS: String(reconnectMs),
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const witness = new FlushWitness(child);
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the witness process ended (${code})`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line === 'READY') resolve();
        else witness.onLine(line);
      });
    });
    return witness;
  }

  /** Highest seq any ack seen so far reached. */
  get ackedUpTo(): number {
    return this.acks.reduce((max, a) => Math.max(max, a.upToSeq), 0);
  }

  /** SIGKILLs process `pid` from the witness's side the moment a batch carrying `seq` passes. */
  killWhenSent(pid: number, seq: number): void {
    this.child.stdin!.write(`KILL ${pid} ${seq}\n`);
  }

  /** What the witness had seen when it pulled the plug, once it has. */
  killedAt: { at: number; sentUpTo: number; ackedUpTo: number } | null = null;

  /** Highest seq any batch seen so far carried. */
  get sentUpTo(): number {
    return this.batches.reduce((max, b) => Math.max(max, b.lastSeq), 0);
  }

  /** Resolves once an ack covering `seq` has passed (or fails after `timeoutMs`). */
  ackOf(seq: number, timeoutMs: number): Promise<void> {
    return this.until(() => this.ackedUpTo >= seq, `an ack of seq ${seq}`, timeoutMs);
  }

  /** Resolves once a batch carrying `seq` has passed. */
  sentPast(seq: number, timeoutMs: number): Promise<void> {
    return this.until(() => this.sentUpTo >= seq, `a batch with seq ${seq}`, timeoutMs);
  }

  private until(holds: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (holds()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.holds !== holds);
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push({
        holds,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** When the first ack covering `seq` passed. */
  ackedAt(seq: number): number | null {
    return this.acks.find((a) => a.upToSeq >= seq)?.at ?? null;
  }

  /** The figures of the batches and acks seen from `since` on, for events above `fromSeq`. */
  figures(since: number, fromSeq: number, until = wallNow()): WireFigures {
    const batches = this.batches.filter((b) => b.at >= since && b.at <= until);
    const first = batches[0]?.at ?? since;
    const seconds = Math.max(1e-3, (until - first) / 1000);
    let eventsSent = 0;
    const seqs = new Set<number>();
    for (const b of batches) {
      for (let s = b.firstSeq; s <= b.lastSeq; s++) {
        if (s <= fromSeq) continue;
        eventsSent += 1;
        seqs.add(s);
      }
    }
    const firstAck = this.acks.find((a) => a.at >= first && a.upToSeq > fromSeq);
    return {
      publishes: batches.length,
      publishesPerSecond: batches.length / seconds,
      maxPublishesInOneSecond: mostInOneSecond(batches.map((b) => b.at)),
      eventsSent,
      eventsSentTwice: eventsSent - seqs.size,
      eventsPerPublish: batches.length === 0 ? 0 : eventsSent / batches.length,
      firstAckMs: firstAck && batches.length > 0 ? firstAck.at - first : null,
    };
  }

  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }

  private onLine(line: string): void {
    const [kind, ...fields] = line.split(' ');
    if (kind === 'C') {
      this.commands.push({ at: Number(fields[0]), id: fields[1]! });
      return;
    }
    const [at, ...numbers] = fields.map(Number) as [number, ...number[]];
    if (kind === 'B') {
      const [firstSeq, lastSeq, count] = numbers as [number, number, number];
      this.batches.push({ at, firstSeq, lastSeq, count });
    } else if (kind === 'A') {
      this.acks.push({ at, upToSeq: numbers[0]! });
    } else if (kind === 'K') {
      this.killedAt = { at, sentUpTo: this.sentUpTo, ackedUpTo: this.ackedUpTo };
    }
    const waiting = this.waiters;
    this.waiters = waiting.filter((w) => !w.holds());
    for (const w of waiting) if (!this.waiters.includes(w)) w.resolve();
  }
}
