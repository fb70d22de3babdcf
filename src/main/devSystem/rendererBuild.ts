/** Builds the renderer when its sources are newer than the last build, so start-up stays quick. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function ensureRendererBuilt(outDir = 'dist/renderer'): void {
  const index = join(outDir, 'index.html');
  const sources = Math.max(newestMtime('src/renderer'), newestMtime('src/shared'));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  process.stderr.write('building the kiosk screens (vite)…\n');
  const result = spawnSync(
    process.execPath,
    [
      'node_modules/vite/bin/vite.js',
      'build',
      '--config',
      'src/renderer/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) throw new Error('the renderer build failed');
}
