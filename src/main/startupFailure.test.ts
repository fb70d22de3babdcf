/** What the entry points say and return when the kiosk cannot start. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { EXIT_START_FAILED, EXIT_STORAGE_FULL, startupFailure } from './startupFailure';
import { isStorageFull, StorageFullError } from './store/storageFull';

describe('startupFailure', () => {
  it('names the full data directory and exits with EX_TEMPFAIL', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (b BLOB)');
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    let full: unknown;
    try {
      for (;;) db.prepare('INSERT INTO t VALUES (zeroblob(4096))').run();
    } catch (e) {
      full = e;
    }
    expect(isStorageFull(full)).toBe(true);
    const said = startupFailure(new StorageFullError('/data/kiosk', 4096, full));
    expect(said.exitCode).toBe(EXIT_STORAGE_FULL);
    expect(said.message).toContain('/data/kiosk is full (4096 bytes free)');
    expect(said.message).toContain('Free some space');
  });

  it('reports anything else as a failed start with its stack', () => {
    const said = startupFailure(new Error('boom'));
    expect(said.exitCode).toBe(EXIT_START_FAILED);
    expect(said.message).toMatch(/^could not start: Error: boom/);
    expect(isStorageFull(new Error('boom'))).toBe(false);
  });
});
