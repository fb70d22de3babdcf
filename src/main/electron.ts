/**
 * Electron main's entry: the real Electron APIs handed to the shell, and the kiosk started by
 * the composition root on the configured locker (KIOSK_CONFIG, or the demo config). The web
 * shell runs beside it in development; in packaged builds only with KIOSK_WEBSHELL=1.
 */
import { app, BrowserWindow, ipcMain, session } from 'electron';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { formatConfigError, loadKioskConfig } from './config/kioskConfig';
import { runElectronShell } from './electronShell';
import { startKioskIpc } from './ipc/kioskIpc';
import { startKiosk } from './kiosk';
import { startupFailure } from './startupFailure';
import { startWebShell } from './webshell/webShell';

const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const rendererDir = here('../renderer');

await runElectronShell(
  {
    app,
    createWindow: (options) => new BrowserWindow(options),
    ipcMain,
    session: {
      onHeadersReceived: (listener) =>
        session.defaultSession.webRequest.onHeadersReceived(listener),
      denyAllPermissions: () =>
        session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) =>
          callback(false),
        ),
    },
  },
  {
    preloadPath: here('../preload/preload.cjs'),
    rendererIndex: `${rendererDir}/index.html`,
    start: async () => {
      const loaded = loadKioskConfig(process.env.KIOSK_CONFIG ?? 'src/main/config/demo-kiosk.json');
      if (!loaded.ok) throw new Error(formatConfigError(loaded.error));
      const config = loaded.value;
      const kiosk = await startKiosk(config, log, { softwareVersion: app.getVersion() }).catch(
        (e: unknown) => {
          // A full disk says so, with its own exit code (startupFailure.ts).
          const failure = startupFailure(e);
          log.fatal({ exitCode: failure.exitCode }, failure.message);
          app.exit(failure.exitCode);
          throw e;
        },
      );
      const ipc = startKioskIpc(kiosk, { lockerId: config.lockerId, log });
      const web =
        !app.isPackaged || process.env.KIOSK_WEBSHELL === '1'
          ? await startWebShell({
              handlers: ipc.handlers,
              push: ipc.push,
              rendererDir,
              packaged: app.isPackaged,
              allowWhenPackaged: process.env.KIOSK_WEBSHELL === '1',
              log,
            })
          : null;
      if (web) log.info({ url: web.pageUrl }, 'web shell listening');
      return {
        ipc,
        close: async () => {
          await web?.close();
          ipc.close();
          await kiosk.close();
        },
      };
    },
  },
);
