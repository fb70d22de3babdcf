/**
 * Builds the IPC side of a running kiosk once: the session (ended by its badge's revocation),
 * the handler table and the push events. Both shells (Electron, web shell) take what this
 * returns and serve it their way.
 */
import type { Logger } from 'pino';
import type { Kiosk } from '../kiosk';
import { createHandlerTable, kioskStatus, type HandlerTable } from './handlers';
import { HardwareMonitor } from './hardwareMonitor';
import { linkStatusOf } from './cloudLinkStatus';
import { notConnected, type LinkStatus } from './linkStatus';
import { PushHub } from './pushHub';
import { Session } from './session';
import { startEventFeed } from './eventFeed';

export interface KioskIpcOptions {
  lockerId: string;
  log: Logger;
  /** The cloud link's state; by default the kiosk's own cloud connection, if it has one. */
  link?: LinkStatus;
  /** A courier or staff session ends after this long without activity (default 3 minutes). */
  sessionIdleMs?: number;
}

export interface KioskIpc {
  handlers: HandlerTable;
  push: PushHub;
  session: Session;
  close(): void;
}

export function startKioskIpc(
  kiosk: Pick<Kiosk, 'core' | 'db' | 'devices'> & Partial<Pick<Kiosk, 'cloud'>>,
  options: KioskIpcOptions,
): KioskIpc {
  const push = new PushHub();
  const link = options.link ?? (kiosk.cloud ? linkStatusOf(kiosk.cloud) : notConnected);
  const session = new Session({
    ...(options.sessionIdleMs ? { idleMs: options.sessionIdleMs } : {}),
    onExpired: (role) => push.emit('session:expired', { role }),
  });
  // A badge the cloud revokes is logged out now, not when its session idles out.
  const stopRevocations = kiosk.core.credentials.onRevoked((badgeId) =>
    session.endForBadge(badgeId),
  );
  const hardware = new HardwareMonitor(kiosk.devices.board, kiosk.devices.scanner);
  const base = { db: kiosk.db, lockerId: options.lockerId, link };
  const handlers = createHandlerTable({
    ...base,
    core: kiosk.core,
    session,
    hardware,
    simulated: kiosk.devices.simulation !== null,
    log: options.log,
  });
  const stopFeed = startEventFeed({
    core: kiosk.core,
    db: kiosk.db,
    board: kiosk.devices.board,
    scanner: kiosk.devices.scanner,
    push,
    status: () => kioskStatus({ ...base, core: kiosk.core }),
    onLinkChange: (l) => link.onChange(l),
  });
  return {
    handlers,
    push,
    session,
    close() {
      stopRevocations();
      stopFeed();
      hardware.close();
      session.end();
    },
  };
}
