/** The retained compartment snapshot's body (StateSnapshotBodySchema) built from the local store. */
import type { StateSnapshotBody } from '../../shared/protocol/messages';
import { listCompartments } from '../store/compartments';
import type { Db } from '../store/database';
import { chainHead } from '../store/events';
import { parcelInCompartment } from '../store/parcels';
import { returnInCompartment } from '../store/returns';

export function buildStateSnapshot(db: Db, lockerId: string, now: number): StateSnapshotBody {
  // One read transaction, so the seq matches the compartments it reports.
  return db.transaction(() => ({
    v: 1 as const,
    lockerId,
    at: new Date(now).toISOString(),
    seq: chainHead(db)?.seq ?? 0,
    compartments: listCompartments(db).map((c) => ({
      id: c.id,
      size: c.size,
      state: c.state,
      doorOpen: c.doorOpen,
      parcelId: parcelInCompartment(db, c.id)?.id ?? null,
      returnId: returnInCompartment(db, c.id)?.id ?? null,
    })),
  }))();
}

/** What a snapshot says about the locker, without its time and seq (to skip no-op publishes). */
export function snapshotContent(s: StateSnapshotBody): string {
  return JSON.stringify(s.compartments);
}
