import { describe, expect, it, vi } from 'vitest';
import { CHANNELS } from '../shared/ipc/contract';
import {
  isBlockedInput,
  KIOSK_CSP,
  runElectronShell,
  type BrowserWindowLike,
  type ElectronPort,
} from './electronShell';
import { PushHub } from './ipc/pushHub';
import type { KioskIpc } from './ipc/kioskIpc';

function fakes(options: { lock?: boolean; packaged?: boolean } = {}) {
  const appListeners = new Map<string, (...a: unknown[]) => void>();
  const handlers = new Map<string, (e: { sender: unknown }, input: unknown) => unknown>();
  const windows: (BrowserWindowLike & {
    options: Record<string, unknown>;
    wcListeners: Map<string, (...a: unknown[]) => void>;
    winListeners: Map<string, () => void>;
    sent: [string, unknown][];
    openHandler?: () => unknown;
  })[] = [];
  let headerListener: ((d: object, cb: (r: object) => void) => void) | undefined;
  const electron: ElectronPort = {
    app: {
      isPackaged: options.packaged ?? true,
      requestSingleInstanceLock: () => options.lock ?? true,
      whenReady: async () => {},
      on: (e, l) => void appListeners.set(e, l),
      quit: vi.fn(),
      relaunch: vi.fn(),
      exit: vi.fn(),
    },
    createWindow: (opts) => {
      const wcListeners = new Map<string, (...a: unknown[]) => void>();
      const winListeners = new Map<string, () => void>();
      const sent: [string, unknown][] = [];
      const win = {
        options: opts,
        wcListeners,
        winListeners,
        sent,
        openHandler: undefined as (() => unknown) | undefined,
        webContents: {
          send: (c: string, p: unknown) => void sent.push([c, p]),
          setWindowOpenHandler: (h: () => { action: 'deny' }) => void (win.openHandler = h),
          on: (e: string, l: (...a: never[]) => void) =>
            void wcListeners.set(e, l as (...a: unknown[]) => void),
          setVisualZoomLevelLimits: vi.fn(),
          setZoomFactor: vi.fn(),
          closeDevTools: vi.fn(),
          reload: vi.fn(),
          isDestroyed: () => false,
        },
        loadFile: vi.fn(async () => {}),
        show: vi.fn(),
        focus: vi.fn(),
        on: (e: string, l: () => void) => void winListeners.set(e, l),
      };
      windows.push(win);
      return win;
    },
    ipcMain: { handle: (c, h) => void handlers.set(c, h) },
    session: {
      onHeadersReceived: (l) => void (headerListener = l as typeof headerListener),
      denyAllPermissions: vi.fn(),
    },
  };
  const push = new PushHub();
  const ipc = {
    handlers: Object.fromEntries(
      CHANNELS.map((c) => [
        c,
        vi.fn(async (input: unknown) => ({ ok: true, value: { c, input } })),
      ]),
    ),
    push,
    session: {},
    close: vi.fn(),
  } as unknown as KioskIpc;
  const start = vi.fn(async () => ({ ipc, close: vi.fn(async () => {}) }));
  return { electron, handlers, windows, appListeners, start, push, header: () => headerListener };
}

const shellOptions = (start: () => Promise<{ ipc: KioskIpc; close(): Promise<void> }>) => ({
  preloadPath: '/app/preload.cjs',
  rendererIndex: '/app/renderer/index.html',
  start,
});

describe('the Electron shell', () => {
  it('quits when another instance holds the lock, without starting the kiosk', async () => {
    const f = fakes({ lock: false });
    expect(await runElectronShell(f.electron, shellOptions(f.start))).toBeNull();
    expect(f.electron.app.quit).toHaveBeenCalled();
    expect(f.start).not.toHaveBeenCalled();
  });

  it('opens one locked-down kiosk window', async () => {
    const f = fakes();
    await runElectronShell(f.electron, shellOptions(f.start));
    expect(f.windows).toHaveLength(1);
    const win = f.windows[0]!;
    expect(win.options).toMatchObject({
      kiosk: true,
      fullscreen: true,
      webPreferences: {
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        devTools: false,
        preload: '/app/preload.cjs',
      },
    });
    expect(win.openHandler?.()).toEqual({ action: 'deny' });
    const prevented = vi.fn();
    win.wcListeners.get('will-navigate')!({ preventDefault: prevented });
    expect(prevented).toHaveBeenCalled();
    expect(win.wcListeners.has('devtools-opened')).toBe(true);
    expect(win.webContents.setVisualZoomLevelLimits).toHaveBeenCalledWith(1, 1);
    expect(f.electron.session.denyAllPermissions).toHaveBeenCalled();
    let headers: unknown;
    f.header()!({ responseHeaders: {} }, (r) => (headers = r));
    expect(headers).toEqual({ responseHeaders: { 'Content-Security-Policy': [KIOSK_CSP] } });
  });

  it('registers exactly the contract channels and answers only its own window', async () => {
    const f = fakes();
    await runElectronShell(f.electron, shellOptions(f.start));
    expect([...f.handlers.keys()].sort()).toEqual([...CHANNELS].sort());
    const win = f.windows[0]!;
    const ours = await f.handlers.get('status:get')!({ sender: win.webContents }, {});
    expect(ours).toEqual({ ok: true, value: { c: 'status:get', input: {} } });
    const stranger = await f.handlers.get('status:get')!({ sender: {} }, {});
    expect(stranger).toEqual({ ok: false, error: { reason: 'not_allowed' } });
  });

  it('forwards push events to the window', async () => {
    const f = fakes();
    await runElectronShell(f.electron, shellOptions(f.start));
    f.push.emit('scan:received', { text: 'T', symbology: 'qr-code' });
    expect(f.windows[0]!.sent).toEqual([['scan:received', { text: 'T', symbology: 'qr-code' }]]);
  });

  it('replaces a crashed renderer and reloads a hung one', async () => {
    vi.useFakeTimers();
    try {
      const f = fakes();
      await runElectronShell(f.electron, { ...shellOptions(f.start), unresponsiveReloadMs: 5000 });
      const first = f.windows[0]!;
      first.wcListeners.get('render-process-gone')!();
      expect(f.windows).toHaveLength(2);
      const second = f.windows[1]!;
      second.winListeners.get('unresponsive')!();
      vi.advanceTimersByTime(5000);
      expect(second.webContents.reload).toHaveBeenCalled();
      // Push events now go to the new window.
      f.push.emit('locker:changed', {});
      expect(second.sent).toEqual([['locker:changed', {}]]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('blocks reload, devtools, zoom and function keys', () => {
    const key = (
      k: string,
      mods: Partial<{ control: boolean; alt: boolean; meta: boolean }> = {},
    ) =>
      isBlockedInput({ key: k, type: 'keyDown', control: false, alt: false, meta: false, ...mods });
    expect(key('r', { control: true })).toBe(true);
    expect(key('+', { control: true })).toBe(true);
    expect(key('F12')).toBe(true);
    expect(key('F4', { alt: true })).toBe(true);
    expect(key('5')).toBe(false);
    expect(key('Enter')).toBe(false);
  });
});
