/**
 * Checkpoints of the cloud's write-ahead log off the main thread: a worker thread with its own
 * connection copies the log into the database every quarter second, and the main connection
 * checkpoints itself only past a far larger log, as a safety net should the worker fail.
 * (Left to SQLite's automatic checkpoint, that copying and its two fsyncs ran inside some
 * unlucky COMMIT on the main thread, about 5 % of it under allocation load.)
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Db } from './database';

const WORKER = new URL('./checkpointWorker.mjs', import.meta.url);

/** What checkpointWorker.mjs is started with. */
interface CheckpointWorkerData {
  file: string;
  intervalMs: number;
}

const INTERVAL_MS = 250;
/** Pages (4 KiB) the log may hold before the main connection checkpoints it itself. */
const SAFETY_NET_PAGES = 20_000;

export interface Checkpointer {
  close(): Promise<void>;
}

export function startCheckpointer(db: Db, log: Logger, intervalMs = INTERVAL_MS): Checkpointer {
  db.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
  const worker = new Worker(WORKER, {
    workerData: { file: db.name, intervalMs } satisfies CheckpointWorkerData,
  });
  worker.unref();
  let closing = false;
  worker.on('message', (m: { error?: string }) => {
    if (m.error) log.warn({ detail: m.error }, 'WAL checkpoint failed; trying again');
  });
  worker.on('error', (e) =>
    log.error({ err: e }, 'checkpoint worker failed; the main connection checkpoints alone'),
  );
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  void exited.then(() => {
    if (!closing) log.error('checkpoint worker ended; the main connection checkpoints alone');
    // Back to SQLite's own threshold for the main connection.
    if (db.open) db.pragma('wal_autocheckpoint = 1000');
  });
  return {
    close: async () => {
      closing = true;
      // Held until it has exited: unref'd, an otherwise idle process would end first (exit 13)
      // and the caller's later shutdown steps (closing the database) would never run.
      worker.ref();
      worker.postMessage('close');
      await exited;
    },
  };
}
