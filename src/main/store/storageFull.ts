/**
 * Telling a full disk from other failures: SQLite says SQLITE_FULL (or a write I/O error when
 * the file system refused to grow a file), Node says ENOSPC. A full disk is not a bug: it is
 * reported as one clear reason, and nothing else is touched.
 */
import { statfsSync } from 'node:fs';

const FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);

export function isStorageFull(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && FULL_CODES.has(code);
}

/** Bytes an unprivileged writer may still use on the file system holding `dir`. */
export function freeBytesAt(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/** The kiosk could not start because its data dir has no room. */
export class StorageFullError extends Error {
  constructor(
    readonly dataDir: string,
    readonly freeBytes: number | null,
    cause: unknown,
  ) {
    super(
      `the data directory ${dataDir} is full (${freeBytes === null ? 'free space unknown' : `${freeBytes} bytes free`}): ` +
        'the kiosk cannot record what it does, so it will not start. Free some space on that disk and start it again.',
      { cause },
    );
    this.name = 'StorageFullError';
  }
}
