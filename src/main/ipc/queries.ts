/**
 * Read-only views of the store for the screens that KioskCore does not expose as such: the
 * locker drawing, the staff grid, this visit's deposits, the outbox backlog, recent events.
 */
import type {
  LayoutCompartment,
  LockerLayout,
  RecentEvent,
  StaffCompartment,
  VisitDeposit,
} from '../../shared/ipc/types';
import { listCompartments, type Compartment } from '../store/compartments';
import type { Db } from '../store/database';
import { listDoorOperations } from '../store/doorOperations';
import { ackedSeq, chainHead } from '../store/events';
import { parcelInCompartment } from '../store/parcels';
import { returnInCompartment } from '../store/returns';
import { stmt } from '../store/statements';

const layoutOf = (c: Compartment): LayoutCompartment => ({
  id: c.id,
  column: c.id.slice(0, 1),
  row: Number(c.id.slice(1)),
  size: c.size,
  heightMm: c.inner.heightMm,
  lowerDoor: c.lowerDoor,
  state: c.state,
  doorOpen: c.doorOpen,
});

export function lockerLayout(db: Db, lockerId: string): LockerLayout {
  const compartments = listCompartments(db).map(layoutOf);
  const columns = [...new Set(compartments.map((c) => c.column))].sort();
  compartments.sort((a, b) => a.column.localeCompare(b.column) || a.row - b.row);
  return { lockerId, columns, compartments };
}

export function staffCompartments(db: Db): StaffCompartment[] {
  const operations = new Map(listDoorOperations(db).map((op) => [op.compartmentId, op.kind]));
  return listCompartments(db)
    .map((c): StaffCompartment => {
      const parcel = parcelInCompartment(db, c.id);
      const ret = parcel ? undefined : returnInCompartment(db, c.id);
      return {
        ...layoutOf(c),
        itemPresent: c.itemPresent,
        outOfServiceReason: c.outOfServiceReason,
        content: parcel
          ? {
              kind: 'parcel',
              trackingBarcode: parcel.trackingBarcode,
              expired: parcel.state === 'expired',
              expiresAt: parcel.expiresAt,
            }
          : ret
            ? { kind: 'return', returnId: ret.id }
            : null,
        operation: operations.get(c.id) ?? null,
      };
    })
    .sort((a, b) => a.column.localeCompare(b.column) || a.row - b.row);
}

/** Parcels `actor` deposited since `since` (epoch ms), newest first. */
export function visitDeposits(db: Db, actor: string, since: number): VisitDeposit[] {
  const rows = stmt(
    db,
    `SELECT id, tracking_barcode, compartment_id, deposited_at FROM parcels
       WHERE deposited_by = ? AND deposited_at >= ? ORDER BY deposited_at DESC, rowid DESC`,
  ).all(actor, since) as {
    id: string;
    tracking_barcode: string;
    compartment_id: string;
    deposited_at: number;
  }[];
  return rows.map((r) => ({
    parcelId: r.id,
    trackingBarcode: r.tracking_barcode,
    compartmentId: r.compartment_id,
    depositedAt: r.deposited_at,
  }));
}

/**
 * Events the cloud has not acknowledged yet, and when the oldest of them happened. Read from
 * the ends of the chain, never by counting rows: the seqs in the table are contiguous (the log
 * is gap-free and pruning only cuts a prefix), so the first unacked one and the head say how
 * many there are. The screens ask after every commit, with thousands waiting.
 */
export function outboxBacklog(db: Db): { waiting: number; oldestAt: number | null } {
  const first = stmt(
    db,
    `SELECT seq, json_extract(body, '$.at') AS at FROM events WHERE seq > ? ORDER BY seq LIMIT 1`,
  ).get(ackedSeq(db)) as { seq: number; at: string } | undefined;
  if (first === undefined) return { waiting: 0, oldestAt: null };
  const head = chainHead(db)?.seq ?? first.seq;
  return { waiting: head - first.seq + 1, oldestAt: Date.parse(first.at) };
}

const MAX_SUMMARY = 160;
/** Payload fields the staff screen says in words; the rest goes into the summary. */
const WHO = ['actor', 'courier', 'reopenedBy'];
const WHY = ['reason', 'evidence', 'failure', 'why'];

const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

export function recentEvents(db: Db, limit: number): RecentEvent[] {
  const rows = db
    .prepare('SELECT seq, type, body FROM events ORDER BY seq DESC LIMIT ?')
    .all(limit) as { seq: number; type: string; body: string }[];
  return rows.map((r) => {
    const body = JSON.parse(r.body) as { at: string; payload: Record<string, unknown> };
    const p = body.payload;
    const first = (keys: string[]) => {
      const key = keys.find((k) => typeof p[k] === 'string');
      return key ? (p[key] as string) : null;
    };
    const said = new Set(['compartmentId', ...WHO, ...WHY]);
    const summary = Object.entries(p)
      .filter(([k]) => !said.has(k))
      .map(([k, v]) => `${k}: ${text(v)}`)
      .join(', ');
    return {
      seq: r.seq,
      type: r.type,
      at: body.at,
      compartmentId: typeof p.compartmentId === 'string' ? p.compartmentId : null,
      actor: first(WHO),
      reason: first(WHY),
      summary: summary.length > MAX_SUMMARY ? `${summary.slice(0, MAX_SUMMARY - 1)}…` : summary,
    };
  });
}
