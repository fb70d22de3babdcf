/**
 * Worker thread of Checkpointer: its own connection to the cloud's SQLite file, copying what the
 * write-ahead log holds into the database every interval (a PASSIVE checkpoint: it never makes a
 * writer wait, and costs nothing when the log holds nothing new), so the main thread never does
 * that copying nor its fsyncs.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

export interface CheckpointWorkerData {
  file: string;
  intervalMs: number;
}

const { file, intervalMs } = workerData as CheckpointWorkerData;
const db = new Database(file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');

const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).message });
  }
}, intervalMs);

parentPort!.on('message', (m: unknown) => {
  if (m !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
