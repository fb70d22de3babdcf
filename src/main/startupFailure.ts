/**
 * What an entry point tells the operator when the kiosk cannot start: one sentence that says
 * what is wrong and what to do, and an exit code a supervisor can tell apart from a crash.
 */
import { StorageFullError } from './store/storageFull';

/** EX_TEMPFAIL (sysexits.h): try again once the cause is gone (the disk has room again). */
export const EXIT_STORAGE_FULL = 75;
/** Anything else: a bug or a broken install. */
export const EXIT_START_FAILED = 1;

export function startupFailure(e: unknown): { message: string; exitCode: number } {
  if (e instanceof StorageFullError) return { message: e.message, exitCode: EXIT_STORAGE_FULL };
  const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
  return { message: `could not start: ${message}`, exitCode: EXIT_START_FAILED };
}
