/**
 * The Electron shell, written against the few Electron APIs it touches (injected, so it is
 * tested with fakes): single instance, a locked-down fullscreen kiosk window, the IPC handler
 * table on ipcMain, push events to the window, recovery when the renderer dies or hangs.
 */
import { CHANNELS } from '../shared/ipc/contract';
import type { KioskIpc } from './ipc/kioskIpc';

export interface InputLike {
  key: string;
  control: boolean;
  meta: boolean;
  alt: boolean;
  type: string;
}

export interface WebContentsLike {
  send(channel: string, payload: unknown): void;
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
  on(event: string, listener: (...args: never[]) => void): void;
  setVisualZoomLevelLimits(min: number, max: number): Promise<void> | void;
  setZoomFactor(factor: number): void;
  closeDevTools(): void;
  reload(): void;
  isDestroyed(): boolean;
}

export interface BrowserWindowLike {
  webContents: WebContentsLike;
  loadFile(path: string): Promise<void>;
  show(): void;
  focus(): void;
  on(event: string, listener: () => void): void;
}

export interface ElectronPort {
  app: {
    isPackaged: boolean;
    requestSingleInstanceLock(): boolean;
    whenReady(): Promise<void>;
    on(event: string, listener: (...args: unknown[]) => void): void;
    quit(): void;
    relaunch(): void;
    exit(code?: number): void;
  };
  createWindow(options: Record<string, unknown>): BrowserWindowLike;
  ipcMain: {
    handle(channel: string, handler: (event: { sender: unknown }, input: unknown) => unknown): void;
  };
  session: {
    onHeadersReceived(
      listener: (
        details: { responseHeaders?: Record<string, string[]> },
        callback: (r: { responseHeaders: Record<string, string[]> }) => void,
      ) => void,
    ): void;
    denyAllPermissions(): void;
  };
}

export interface ElectronShellOptions {
  preloadPath: string;
  rendererIndex: string;
  /** Builds the kiosk and its IPC side once the app is ready. */
  start(): Promise<{ ipc: KioskIpc; close(): Promise<void> }>;
  /** Reload after the renderer hangs this long (default 10 s). */
  unresponsiveReloadMs?: number;
}

export const KIOSK_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Keys a kiosk user must not use: reload, devtools, zoom, close, print, function keys. */
export function isBlockedInput(input: InputLike): boolean {
  if (input.type !== 'keyDown') return false;
  return input.control || input.meta || input.alt || /^F\d{1,2}$/.test(input.key);
}

export function kioskWindowOptions(
  preloadPath: string,
  packaged: boolean,
): Record<string, unknown> {
  return {
    kiosk: true,
    fullscreen: true,
    frame: false,
    autoHideMenuBar: true,
    show: false,
    backgroundColor: '#eef2f5',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      devTools: !packaged,
    },
  };
}

export async function runElectronShell(
  electron: ElectronPort,
  options: ElectronShellOptions,
): Promise<{ window: BrowserWindowLike; close(): Promise<void> } | null> {
  const { app } = electron;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  await app.whenReady();
  electron.session.denyAllPermissions();
  electron.session.onHeadersReceived((details, callback) =>
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [KIOSK_CSP] },
    }),
  );
  const kiosk = await options.start();
  let window = createWindow();

  function createWindow(): BrowserWindowLike {
    const win = electron.createWindow(kioskWindowOptions(options.preloadPath, app.isPackaged));
    const wc = win.webContents;
    wc.setWindowOpenHandler(() => ({ action: 'deny' }));
    const deny = (event: { preventDefault(): void }) => event.preventDefault();
    wc.on('will-navigate', deny);
    wc.on('will-redirect', deny);
    wc.on('will-attach-webview', deny);
    wc.on('before-input-event', ((event: { preventDefault(): void }, input: InputLike) => {
      if (isBlockedInput(input)) event.preventDefault();
    }) as (...args: never[]) => void);
    void wc.setVisualZoomLevelLimits(1, 1);
    wc.on('zoom-changed', () => wc.setZoomFactor(1));
    if (app.isPackaged) wc.on('devtools-opened', () => wc.closeDevTools());
    wc.on('render-process-gone', () => {
      // A crashed renderer: a fresh window; if that fails too, the whole app starts over.
      try {
        window = createWindow();
      } catch {
        app.relaunch();
        app.exit(0);
      }
    });
    let hung: ReturnType<typeof setTimeout> | undefined;
    win.on('unresponsive', () => {
      hung = setTimeout(
        () => !wc.isDestroyed() && wc.reload(),
        options.unresponsiveReloadMs ?? 10_000,
      );
    });
    win.on('responsive', () => clearTimeout(hung));
    win.on('ready-to-show', () => win.show());
    void win.loadFile(options.rendererIndex);
    return win;
  }

  for (const channel of CHANNELS) {
    electron.ipcMain.handle(channel, (event, input) =>
      // Only our kiosk window may call; anything else (a stray frame) is refused.
      event.sender === window.webContents
        ? kiosk.ipc.handlers[channel](input)
        : { ok: false, error: { reason: 'not_allowed' } },
    );
  }
  const unsubscribe = kiosk.ipc.push.subscribe((event, payload) => {
    if (!window.webContents.isDestroyed()) window.webContents.send(event, payload);
  });
  app.on('second-instance', () => window.focus());
  const close = async () => {
    unsubscribe();
    await kiosk.close();
  };
  app.on('window-all-closed', () => void close().then(() => app.quit()));
  return { window, close };
}
