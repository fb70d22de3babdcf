/**
 * A fresh folder for a fuzzed parser's files, in memory when the machine has /dev/shm: real
 * SQLite files and config files all the same, without a disk flush per input (durability on
 * disk is the kill and full-disk drills' concern, not this one's).
 */
import { accessSync, constants, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function base(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

export const scratchDir = (prefix: string): string => mkdtempSync(join(base(), prefix));
