/** Test support: the real IPC handler table over a kiosk fixture, with no cloud link and a quiet log. */
import pino from 'pino';
import type { Fixture } from '../../services/testSupport/kioskFixture';
import { createHandlerTable, type HandlerTable } from '../handlers';
import { HardwareMonitor } from '../hardwareMonitor';
import { notConnected } from '../linkStatus';
import type { Session } from '../session';

export function fixtureHandlerTable(f: Fixture, session: Session): HandlerTable {
  return createHandlerTable({
    core: f.core,
    db: f.db,
    lockerId: f.config.lockerId,
    session,
    link: notConnected,
    hardware: new HardwareMonitor(f.board, null),
    simulated: false,
    log: pino({ level: 'silent' }),
  });
}
