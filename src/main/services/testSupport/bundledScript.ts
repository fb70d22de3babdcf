/**
 * Test support: the node arguments that run a TypeScript entry point, bundled once with esbuild
 * (tsx's own dependency) into node_modules/.cache, where the bundle's own imports resolve.
 * `node --import tsx` costs ~0.5 s per start, a bundle ~0.1 s, which is what lets a test or
 * drill kill and restart a process hundreds of times. Falls back to tsx without esbuild.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

const CACHE = resolve(import.meta.dirname, '../../../../node_modules/.cache/kiosk-bundled-scripts');

export async function bundledScript(entry: string): Promise<string[]> {
  try {
    const { build } = await import('esbuild');
    // One folder per entry's full path: worktrees sharing node_modules never share a bundle.
    const dir = join(CACHE, createHash('sha256').update(entry).digest('hex').slice(0, 12));
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, `${basename(entry, '.ts')}.mjs`);
    const built = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // Native addons and what loads its own files stay outside the bundle; mqtt-packet too, so
      // mqtt.js and mqttLengthCache.ts share the one copy (and its CommonJS requires work).
      external: [
        'better-sqlite3',
        'pino',
        'serialport',
        '@serialport/*',
        'node-hid',
        'mqtt',
        'mqtt-packet',
      ],
      outfile,
      write: false,
      logLevel: 'silent',
    });
    // Written aside and renamed: two runs building at once never start a half-written file.
    const aside = `${outfile}.${process.pid}`;
    writeFileSync(aside, built.outputFiles[0]!.contents);
    renameSync(aside, outfile);
    return [outfile];
  } catch {
    return ['--import', 'tsx', entry];
  }
}
