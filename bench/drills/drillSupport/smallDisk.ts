/**
 * Drill support: a small disk of its own (a tmpfs mounted on a fresh directory, which needs
 * root) and a ballast file that eats its free space down to a chosen amount and gives it back.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  dir: string;
  /** Bytes free for an unprivileged writer, as the kiosk sees them. */
  freeBytes(): number;
  /** Writes ballast until at most `leaveBytes` are free (0: until the disk refuses a byte). */
  fillTo(leaveBytes: number): void;
  /** Deletes the ballast: the space returns. */
  emptyBallast(): void;
  unmount(): void;
}

/** Mounts a tmpfs of `sizeMb`; a string says why it could not be (not root, no tmpfs). */
export function mountSmallDisk(sizeMb: number): SmallDisk | string {
  const dir = mkdtempSync(join(tmpdir(), 'drill-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0700`, 'tmpfs', dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    return `mount -t tmpfs was not permitted here (${stderr || (e as Error).message})`;
  }
  const ballast = join(dir, 'ballast');
  let pieces = 0;
  const freeBytes = () => {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  };
  return {
    dir,
    freeBytes,
    fillTo(leaveBytes) {
      // One file per call, so emptying gives everything back at once.
      const fd = openSync(`${ballast}-${++pieces}`, 'w');
      const chunk = Buffer.alloc(64 * 1024, 0xba);
      try {
        for (let free = freeBytes(); free > leaveBytes; free = freeBytes()) {
          const n = Math.min(chunk.length, Math.max(4096, free - leaveBytes));
          writeSync(fd, chunk, 0, n);
        }
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      } finally {
        closeSync(fd);
      }
    },
    emptyBallast() {
      for (; pieces > 0; pieces--) rmSync(`${ballast}-${pieces}`, { force: true });
    },
    unmount() {
      execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
