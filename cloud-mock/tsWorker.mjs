// Starts a worker thread on a TypeScript module (workerData.module, a file URL) through tsx's
// API: Node's worker threads do not inherit the `--import tsx` loader of the process (Node 20),
// and under vitest there is none to inherit.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.module, import.meta.url);
