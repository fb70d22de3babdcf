// Worker thread of Checkpointer (checkpointer.ts): its own connection to the cloud's SQLite
// file, copying what the write-ahead log holds into the database every interval (a PASSIVE
// checkpoint: it never makes a writer wait, and costs nothing when the log holds nothing new).
// Plain JavaScript, so it starts in milliseconds.
import Database from 'better-sqlite3';
import { clearInterval, setInterval } from 'node:timers';
import { parentPort, workerData } from 'node:worker_threads';

const { file, intervalMs } = workerData;
const db = new Database(file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');

const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (e) {
    parentPort.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
}, intervalMs);

parentPort.on('message', (m) => {
  if (m !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
