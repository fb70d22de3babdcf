/**
 * The IPC handler table: one function per contract channel, served by ipcMain in Electron and
 * by the web shell over WebSocket. Every input is validated with the contract's schema and
 * every courier or staff channel checks the session first; errors come back as values.
 */
import type { Logger } from 'pino';
import type { BadgeRole } from '../../shared/domain';
import {
  CHANNELS,
  kioskContract,
  parseInput,
  type Channel,
  type ParsedInputOf,
  type ResultOf,
} from '../../shared/ipc/contract';
import type { KioskStatus } from '../../shared/ipc/types';
import { err, ok } from '../../shared/result';
import type { Actor } from '../services/context';
import { actorName } from '../services/context';
import type { KioskCore } from '../services/kioskCore';
import { listCompartments } from '../store/compartments';
import type { Db } from '../store/database';
import { listDoorOperations } from '../store/doorOperations';
import type { HardwareMonitor } from './hardwareMonitor';
import type { LinkStatus } from './linkStatus';
import {
  lockerLayout,
  outboxBacklog,
  recentEvents,
  staffCompartments,
  visitDeposits,
} from './queries';
import type { Session } from './session';

export interface HandlerDeps {
  core: KioskCore;
  db: Db;
  lockerId: string;
  session: Session;
  link: LinkStatus;
  hardware: HardwareMonitor;
  simulated: boolean;
  log: Logger;
}

export type HandlerTable = { [C in Channel]: (input: unknown) => Promise<ResultOf<C>> };

type Staffer = Actor & { role: BadgeRole };
type Impl = {
  [C in Channel]: (
    input: ParsedInputOf<C>,
    actor: Staffer | null,
  ) => Promise<ResultOf<C>> | ResultOf<C>;
};

export function kioskStatus(
  deps: Pick<HandlerDeps, 'core' | 'db' | 'lockerId' | 'link'>,
): KioskStatus {
  const backlog = outboxBacklog(deps.db);
  return {
    lockerId: deps.lockerId,
    cloud: deps.link.current(),
    eventsWaiting: backlog.waiting,
    oldestWaitingAt: backlog.oldestAt,
    codeLength: deps.core.codeLength(),
  };
}

function implementations(deps: HandlerDeps): Impl {
  const { core, db, session } = deps;
  const must = (actor: Staffer | null): Staffer => {
    if (!actor) throw new Error('access checked before the handler runs');
    return actor;
  };
  return {
    'session:badge': ({ token }) => {
      const login = core.credentials.login(token);
      if (!login.ok) return err({ reason: login.error });
      const { role, subject, badgeId } = login.value;
      if (role !== 'courier' && role !== 'staff') return err({ reason: 'not_a_badge' });
      return ok(session.begin(role, subject, badgeId));
    },
    'session:get': () => ok(session.info()),
    'session:touch': () => ok(session.touch()),
    'session:logout': () => {
      session.end();
      return ok(null);
    },
    'status:get': () => ok(kioskStatus(deps)),
    'locker:layout': () => ok(lockerLayout(db, deps.lockerId)),

    'pickup:code': ({ code, method }) => core.pickups.withCode(code, method),
    'pickup:throttle': () =>
      ok({ retryAfterMs: core.codes.retryAfterMs(), attemptsLeft: core.codes.attemptsLeft() }),
    'return:code': ({ code, method }) => core.returns.withCode(code, method),
    'pickup:doorDidNotOpen': ({ operationId, parcelId }) =>
      core.pickups.doorDidNotOpen(operationId, parcelId),
    'return:doesntFit': ({ operationId, returnId }) =>
      core.returns.doesntFit(operationId, returnId),
    'return:doorDidNotOpen': ({ operationId, returnId }) =>
      core.returns.doorDidNotOpen(operationId, returnId),

    'deposit:start': ({ barcode, size }, actor) => core.deposits.start(must(actor), barcode, size),
    'deposit:doesntFit': ({ operationId }, actor) =>
      core.deposits.doesntFit(must(actor), operationId),
    'deposit:doorDidNotOpen': ({ operationId }, actor) =>
      core.deposits.doorDidNotOpen(must(actor), operationId),
    'deposit:cancel': async ({ operationId }, actor) =>
      ok({ cancelled: await core.deposits.cancel(must(actor), operationId) }),
    'deposit:list': (_, actor) =>
      ok(visitDeposits(db, actorName(must(actor)), session.startedAt() ?? Date.now())),

    'collection:list': () => ok(core.collection.list()),
    'collection:open': ({ compartmentId }, actor) =>
      core.collection.open(must(actor), compartmentId),
    'collection:scanOut': ({ barcode }, actor) => core.collection.scanOut(must(actor), barcode),

    'staff:compartments': () => ok(staffCompartments(db)),
    'staff:openDoor': async ({ compartmentId, reason }, actor) => {
      const r = await core.staff.openDoor(must(actor), compartmentId, reason);
      return r.ok ? ok(null) : r;
    },
    'staff:setService': ({ compartmentId, inService, reason }, actor) => {
      const r = inService
        ? core.staff.setInService(must(actor), compartmentId, reason)
        : core.staff.setOutOfService(must(actor), compartmentId, reason);
      return r.ok ? ok(null) : r;
    },
    'staff:openAllExpired': (_, actor) => core.staff.openAllExpired(must(actor)),
    'staff:recentEvents': ({ limit }) => ok(recentEvents(db, limit ?? 30)),
    'staff:diagnostics': () => {
      const compartments = listCompartments(db);
      return ok({
        lockBoard: deps.hardware.lockBoard(),
        scanner: deps.hardware.scanner(),
        simulated: deps.simulated,
        doorsOpen: compartments.filter((c) => c.doorOpen === true).map((c) => c.id),
        outOfService: compartments
          .filter((c) => c.state === 'out_of_service')
          .map((c) => ({ compartmentId: c.id, reason: c.outOfServiceReason })),
        pendingOperations: listDoorOperations(db).map((op) => ({
          compartmentId: op.compartmentId,
          kind: op.kind,
          startedAt: op.startedAt,
        })),
      });
    },
  };
}

export function createHandlerTable(deps: HandlerDeps): HandlerTable {
  const impl = implementations(deps);
  const table = {} as Record<Channel, (input: unknown) => Promise<unknown>>;
  for (const channel of CHANNELS) {
    table[channel] = async (input: unknown) => {
      const parsed = parseInput(channel, input);
      if (!parsed.ok) return parsed;
      const access = kioskContract[channel].access;
      let actor: Staffer | null = null;
      if (access !== 'public') {
        if (!deps.session.touch()) return err({ reason: 'not_logged_in' });
        actor = deps.session.actor();
        if (access === 'staff' && actor?.role !== 'staff') return err({ reason: 'not_allowed' });
      }
      try {
        const run = impl[channel] as (i: unknown, a: Staffer | null) => Promise<unknown> | unknown;
        return await run(parsed.value, actor);
      } catch (e) {
        // A full disk is not a bug: the transaction rolled back, nothing was done.
        if (deps.core.storage.noteFull(e)) {
          deps.log.error({ channel, reason: 'storage_full' }, 'IPC request refused: disk full');
          return err({ reason: 'storage_full' });
        }
        deps.log.error({ err: e, channel }, 'IPC handler failed');
        return err({ reason: 'internal_error' });
      }
    };
  }
  return table as HandlerTable;
}
