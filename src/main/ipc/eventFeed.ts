/**
 * Turns what the kiosk records and senses into push events for the screens: audit events
 * become door / operation events, compartment changes, status changes; scanner reads become
 * `scan:received`. Reads the events table after each commit, so only durable facts are pushed.
 */
import type { DoorOperationKind } from '../../shared/domain';
import type { KioskEvents } from '../../shared/ipc/types';
import type { BarcodeScanner } from '../../../hardware/scanner/types';
import type { LockBoard } from '../core/lockBoard';
import type { KioskCore } from '../services/kioskCore';
import type { Db } from '../store/database';
import { chainHead, listEvents } from '../store/events';
import type { PushHub } from './pushHub';

type Finished = KioskEvents['operation:finished'];

/** Events that end a door operation, and how. */
const FINISHING: Record<string, (p: Record<string, unknown>) => Omit<Finished, 'compartmentId'>> = {
  'parcel.deposited': () => ({ operation: 'deposit', outcome: 'completed', reason: null }),
  'deposit.released': (p) => ({
    operation: 'deposit',
    outcome: 'abandoned',
    reason: String(p.reason),
  }),
  'parcel.picked_up': () => ({ operation: 'pickup', outcome: 'completed', reason: null }),
  'pickup.abandoned': (p) => ({
    operation: 'pickup',
    outcome: 'abandoned',
    reason: String(p.reason),
  }),
  'return.deposited': () => ({
    operation: 'return_deposit',
    outcome: 'completed',
    reason: null,
  }),
  'return.released': (p) => ({
    operation: 'return_deposit',
    outcome: 'abandoned',
    reason: String(p.reason),
  }),
};

/** Kinds whose door closing is the whole end of the operation. */
const ENDS_ON_CLOSE = new Set<string>(['collection', 'staff_open']);

export interface EventFeedDeps {
  core: KioskCore;
  db: Db;
  board: LockBoard;
  scanner: BarcodeScanner | null;
  push: PushHub;
  /** Reads the current status, pushed after each batch of events. */
  status: () => KioskEvents['status:changed'];
  onLinkChange: (listener: () => void) => () => void;
}

export function startEventFeed(deps: EventFeedDeps): () => void {
  const { db, push } = deps;
  let lastSeq = chainHead(db)?.seq ?? 0;
  let scheduled = false;
  let stopped = false;

  const translate = (type: string, payload: Record<string, unknown>): boolean => {
    const compartmentId = String(payload.compartmentId ?? '');
    if (type === 'door.opened') {
      push.emit('door:opened', {
        compartmentId,
        operation: payload.operation as DoorOperationKind,
      });
    } else if (type === 'door.opened_unexpectedly') {
      push.emit('door:opened', { compartmentId, operation: 'unexpected' });
    } else if (type === 'door.closed') {
      const operation = payload.operation as DoorOperationKind;
      push.emit('door:closed', { compartmentId, operation });
      if (ENDS_ON_CLOSE.has(operation))
        push.emit('operation:finished', {
          compartmentId,
          operation,
          outcome: 'completed',
          reason: null,
        });
    } else {
      const finish = FINISHING[type];
      if (finish) push.emit('operation:finished', { compartmentId, ...finish(payload) });
    }
    return compartmentId !== '' || type.startsWith('parcel.') || type.startsWith('return.');
  };

  const drain = () => {
    scheduled = false;
    if (stopped) return; // the store may be closed by now
    let lockerChanged = false;
    for (const e of listEvents(db, lastSeq + 1)) {
      lastSeq = e.seq;
      const body = JSON.parse(e.body) as { payload: Record<string, unknown> };
      if (translate(e.type, body.payload)) lockerChanged = true;
    }
    if (lockerChanged) push.emit('locker:changed', {});
    push.emit('status:changed', deps.status());
  };
  // Several events in one transaction wake us several times: read them once.
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(drain);
  };

  const unsubscribe = [
    deps.core.audit.onAppend(schedule),
    deps.onLinkChange(() => push.emit('status:changed', deps.status())),
    // Door sensor changes with no operation (a door shut by hand) change the drawing too.
    deps.board.onEvent((event) => {
      if (event.type === 'door' || event.type === 'item')
        void deps.core.settled().then(() => push.emit('locker:changed', {}));
    }),
  ];
  if (deps.scanner)
    unsubscribe.push(
      deps.scanner.onScan((scan) =>
        push.emit('scan:received', { text: scan.text, symbology: scan.symbology }),
      ),
    );
  return () => {
    stopped = true;
    unsubscribe.forEach((u) => u());
  };
}
