/**
 * The costly part of verifying events — the Ed25519 signature of each — on worker threads, so
 * the main thread stores one batch while the next is being checked. The canonical form and hash
 * of each event are computed here (a few µs, and the one place they are defined stays
 * src/shared/node/eventChain.ts); only the signature checks over those bytes go out, to
 * signatureWorker.mjs. Each request is answered with its proofs in the events' order; the
 * chain's own checks (seq, links) stay with the caller, in order. A pool without workers
 * (closed, or broken) answers null and the caller proves the events itself.
 */
import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { SignedEvent } from '../../src/shared/events';
import { canonicalBody, hashBody, type LinkProof } from '../../src/shared/node/eventChain';

const WORKER = new URL('./signatureWorker.mjs', import.meta.url);

/** Workers that may fail (and be replaced) before the pool gives up and answers null. */
const MAX_FAILURES = 3;

/** One worker per core, at most 4: the main thread has the store to keep. */
export const defaultSignatureWorkers = (): number => Math.min(4, availableParallelism());

/** What signatureWorker.mjs is sent: canonical bodies with their signatures, and the key. */
interface SignatureJob {
  id: number;
  key: KeyObject;
  items: [body: string, sig: string][];
}
type SignatureAnswer = { id: number; signed: boolean[] } | { id: number; error: string };

interface PoolWorker {
  worker: Worker;
  /** Signatures sent and not answered yet. */
  backlog: number;
  dead: boolean;
  jobs: Map<number, { size: number; resolve(signed: boolean[]): void; reject(e: Error): void }>;
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
   * Proofs for `events` (in their order) under the device's public key, or null when no worker
   * can take them. An event whose body does not hash to its `hash` is not sent for a signature
   * check: its proof says so already.
   */
  prove(publicKey: KeyObject, events: readonly SignedEvent[]): Promise<LinkProof[]> | null {
    const target = this.leastBusy();
    if (!target) return null;
    const proofs: LinkProof[] = [];
    const items: SignatureJob['items'] = [];
    const sentFor: number[] = [];
    for (const e of events) {
      const body = canonicalBody(e);
      const hash = hashBody(body);
      proofs.push({ hash, signed: false });
      if (hash !== e.hash) continue;
      sentFor.push(proofs.length - 1);
      items.push([body, e.sig]);
    }
    if (items.length === 0) return Promise.resolve(proofs);
    const id = this.nextId++;
    return new Promise<boolean[]>((resolve, reject) => {
      target.jobs.set(id, { size: items.length, resolve, reject });
      target.backlog += items.length;
      target.worker.postMessage({ id, key: publicKey, items } satisfies SignatureJob);
    }).then((signed) => {
      sentFor.forEach((at, i) => (proofs[at]!.signed = signed[i] === true));
      return proofs;
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
    const worker = new Worker(WORKER);
    // Never what keeps the cloud's process alive.
    worker.unref();
    const entry: PoolWorker = { worker, backlog: 0, dead: false, jobs: new Map() };
    worker.on('message', (answer: SignatureAnswer) => {
      const job = entry.jobs.get(answer.id);
      if (!job) return;
      entry.jobs.delete(answer.id);
      entry.backlog -= job.size;
      if ('signed' in answer) job.resolve(answer.signed);
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
