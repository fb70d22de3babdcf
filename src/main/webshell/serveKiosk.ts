/**
 * From a running kiosk to a browser tab: builds the IPC side (session, handlers, push events)
 * and serves it with the built renderer over the loopback web shell.
 */
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Kiosk } from '../kiosk';
import { startKioskIpc, type KioskIpc } from '../ipc/kioskIpc';
import type { LinkStatus } from '../ipc/linkStatus';
import { startWebShell, type WebShell } from './webShell';

export const DEFAULT_RENDERER_DIR = fileURLToPath(
  new URL('../../../dist/renderer', import.meta.url),
);

export interface KioskWebShellOptions {
  lockerId: string;
  log: Logger;
  link?: LinkStatus;
  /** 0 (default): a free port. */
  port?: number;
  rendererDir?: string;
  token?: string;
  sessionIdleMs?: number;
  packaged?: boolean;
  allowWhenPackaged?: boolean;
}

export interface KioskWebShell {
  ipc: KioskIpc;
  shell: WebShell;
  close(): Promise<void>;
}

export async function startKioskWebShell(
  kiosk: Pick<Kiosk, 'core' | 'db' | 'devices'> & Partial<Pick<Kiosk, 'cloud'>>,
  options: KioskWebShellOptions,
): Promise<KioskWebShell> {
  const ipc = startKioskIpc(kiosk, {
    lockerId: options.lockerId,
    log: options.log,
    ...(options.link ? { link: options.link } : {}),
    ...(options.sessionIdleMs ? { sessionIdleMs: options.sessionIdleMs } : {}),
  });
  try {
    const shell = await startWebShell({
      handlers: ipc.handlers,
      push: ipc.push,
      rendererDir: options.rendererDir ?? DEFAULT_RENDERER_DIR,
      log: options.log,
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.token ? { token: options.token } : {}),
      ...(options.packaged !== undefined ? { packaged: options.packaged } : {}),
      ...(options.allowWhenPackaged !== undefined
        ? { allowWhenPackaged: options.allowWhenPackaged }
        : {}),
    });
    return {
      ipc,
      shell,
      async close() {
        await shell.close();
        ipc.close();
      },
    };
  } catch (e) {
    ipc.close();
    throw e;
  }
}
