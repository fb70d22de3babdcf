// The Electron shell cannot run here (its binary is not downloadable), but its build can:
// main bundles as ESM, and the sandboxed preload as CommonJS needing nothing but electron.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('electron build', () => {
  it('bundles main and a preload that requires only electron', () => {
    execFileSync(process.execPath, ['electron.build.mjs'], { cwd: import.meta.dirname });
    const main = readFileSync('dist/main/electron.js', 'utf8');
    expect(main).toContain('from "electron"');
    const preload = readFileSync('dist/preload/preload.cjs', 'utf8');
    const required = new Set([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
    expect([...required]).toEqual(['electron']);
    expect(preload).toContain('exposeInMainWorld');
  });
});
