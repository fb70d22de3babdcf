/**
 * The costly part of verifying events — hashing each body and checking its Ed25519 signature —
 * on worker threads, so the main thread stores one batch while the next is being checked. Each
 * request is answered with its proofs in the events' order; the chain's own checks (seq, links)
 * stay with the caller, in order. A pool without workers (closed, or broken) answers null and
 * the caller proves the events itself.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { SignedEvent } from '../../src/shared/events';
import type { LinkProof } from '../../src/shared/node/eventChain';
import type { ProofAnswer, ProofJob } from './signatureWorker';

const BOOT = new URL('../tsWorker.mjs', import.meta.url);
const WORKER = new URL('./signatureWorker.ts', import.meta.url).href;

/** Workers that may fail (and be replaced) before the pool gives up and answers null. */
const MAX_FAILURES = 3;

/** One worker per core, at most 4: the main thread has the store to keep. */
export const defaultSignatureWorkers = (): number => Math.min(4, availableParallelism());

interface PoolWorker {
  worker: Worker;
  /** Events sent and not answered yet. */
  backlog: number;
  dead: boolean;
  jobs: Map<number, { size: number; resolve(p: LinkProof[]): void; reject(e: Error): void }>;
}

export class SignatureChecks {
  private readonly workers: PoolWorker[] = [];
  private nextId = 1;
  private failures = 0;
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly log: Logger,
  ) {}

  /**
   * Proofs for `events` (in their order) under the device key `deviceKey` (raw base64url), or
   * null when no worker should take them.
   */
  prove(deviceKey: string, events: SignedEvent[]): Promise<LinkProof[]> | null {
    const target = this.leastBusy();
    if (!target) return null;
    const id = this.nextId++;
    return new Promise<LinkProof[]>((resolve, reject) => {
      target.jobs.set(id, { size: events.length, resolve, reject });
      target.backlog += events.length;
      target.worker.postMessage({ id, deviceKey, events } satisfies ProofJob);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.splice(0).map((w) => w.worker.terminate()));
  }

  private leastBusy(): PoolWorker | null {
    if (this.closed || this.size <= 0 || this.failures >= MAX_FAILURES) return null;
    while (this.workers.length < this.size) this.workers.push(this.start());
    return this.workers.reduce((a, b) => (b.backlog < a.backlog ? b : a));
  }

  private start(): PoolWorker {
    const worker = new Worker(BOOT, { workerData: { module: WORKER } });
    // Never what keeps the cloud's process alive.
    worker.unref();
    const entry: PoolWorker = { worker, backlog: 0, dead: false, jobs: new Map() };
    worker.on('message', (answer: ProofAnswer) => {
      const job = entry.jobs.get(answer.id);
      if (!job) return;
      entry.jobs.delete(answer.id);
      entry.backlog -= job.size;
      if ('proofs' in answer) job.resolve(answer.proofs);
      else job.reject(new Error(`signature check failed: ${answer.error}`));
    });
    const fail = (e: Error) => {
      if (entry.dead) return;
      entry.dead = true;
      const at = this.workers.indexOf(entry);
      if (at >= 0) this.workers.splice(at, 1);
      for (const job of entry.jobs.values()) job.reject(e);
      entry.jobs.clear();
      if (this.closed) return;
      this.failures += 1;
      this.log.error(
        { err: e, failures: this.failures },
        this.failures >= MAX_FAILURES
          ? 'signature worker failed; checking signatures on the main thread from now on'
          : 'signature worker failed; starting another',
      );
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (entry.jobs.size > 0 || (!this.closed && code !== 0))
        fail(new Error(`signature worker exited with code ${code}`));
    });
    return entry;
  }
}
