/**
 * Where `npm start` shows the kiosk's screens: an Electron window when the Electron binary is
 * installed (it cannot be downloaded on machines without internet), else Debian's Chromium in
 * app mode when there is a display, else nowhere (headless: open KIOSK_URL yourself).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type ScreenKind = 'electron' | 'chromium' | 'headless';

export function electronBinary(): string | null {
  const pathFile = join('node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join('node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const CHROMIUM = '/usr/bin/chromium';

export function chooseScreen(): ScreenKind {
  if (electronBinary()) return 'electron';
  const display = process.env.DISPLAY || process.env.WAYLAND_DISPLAY;
  return display && existsSync(CHROMIUM) ? 'chromium' : 'headless';
}

/** Chromium in app mode: no tabs, no address bar; its own profile under the data dir. */
export function openChromiumApp(url: string, profileDir: string): ChildProcess {
  return spawn(
    CHROMIUM,
    [
      `--app=${url}`,
      `--user-data-dir=${profileDir}`,
      '--window-size=1280,800',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    { stdio: 'ignore' },
  );
}

/** The Electron shell runs the kiosk itself, from the config file it is given. */
export function openElectron(configFile: string): ChildProcess {
  const built = spawnSync(process.execPath, ['electron.build.mjs'], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the Electron build failed');
  return spawn(electronBinary()!, ['dist/main/electron.js'], {
    stdio: 'inherit',
    env: { ...process.env, KIOSK_CONFIG: configFile },
  });
}
