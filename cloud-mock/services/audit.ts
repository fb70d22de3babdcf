/** The verified chain of one locker as the cloud holds it: acked seq, gaps, broken links. */
import { ok, type Result } from '../../src/shared/result';
import type { AuditResponse, ReconciliationResponse } from '../../src/shared/rest/schemas';
import { listChainBreaks } from '../store/chainBreaks';
import { pendingSeqs } from '../store/events';
import { getLocker } from '../store/lockers';
import { listParcels } from '../store/parcels';
import { listReturns } from '../store/returns';
import { listCompartments } from '../store/compartments';
import { readSnapshot } from './capacity';
import { iso, type CloudContext } from './context';
import { notFound, type Refusal } from './refusal';

export function lockerAudit(ctx: CloudContext, lockerId: string): Result<AuditResponse, Refusal> {
  const locker = getLocker(ctx.db, lockerId);
  if (!locker) return notFound('locker');
  const held = pendingSeqs(ctx.db, lockerId);
  const gaps: AuditResponse['gaps'] = [];
  let expected = locker.chainSeq + 1;
  for (const seq of held) {
    if (seq > expected) gaps.push({ fromSeq: expected, toSeq: seq - 1 });
    expected = seq + 1;
  }
  return ok({
    lockerId,
    lastSeq: Math.max(locker.chainSeq, held.at(-1) ?? 0),
    ackedSeq: locker.chainSeq,
    lastHash: locker.chainHash,
    gaps,
    brokenLinks: listChainBreaks(ctx.db, lockerId).map((b) => ({
      seq: b.seq,
      reason: b.reason,
      detail: b.detail,
      at: iso(b.at),
    })),
    flagged: locker.flagged,
  });
}

type Mismatch = ReconciliationResponse['mismatches'][number];

/**
 * Compares the unit's retained snapshot with what the cloud recorded from events: the
 * compartment states and which parcel or return each holds.
 */
export function reconcile(
  ctx: CloudContext,
  lockerId: string,
): Result<ReconciliationResponse, Refusal> {
  const locker = getLocker(ctx.db, lockerId);
  if (!locker) return notFound('locker');
  const snapshot = readSnapshot(locker);
  const mismatches: Mismatch[] = [];
  if (snapshot) {
    const cloud = new Map(listCompartments(ctx.db, lockerId).map((c) => [c.id, c]));
    const active = new Map(
      listParcels(ctx.db, lockerId)
        .filter((p) => p.state === 'deposited' || p.state === 'expired')
        .map((p) => [p.parcelId, p]),
    );
    const activeReturns = new Set(
      listReturns(ctx.db, lockerId)
        .filter((r) => r.state === 'deposited')
        .map((r) => r.returnId),
    );
    const seen = new Set<string>();
    for (const d of snapshot.compartments) {
      seen.add(d.id);
      const c = cloud.get(d.id);
      if (!c) {
        mismatches.push({
          compartmentId: d.id,
          kind: 'unknown_compartment',
          device: d.state,
          cloud: null,
          detail: 'the unit reports a compartment that was never provisioned',
        });
        continue;
      }
      if (c.state !== d.state)
        mismatches.push({
          compartmentId: d.id,
          kind: 'state',
          device: d.state,
          cloud: c.state,
          detail: `the unit says ${d.state}, the events say ${c.state}`,
        });
      const deviceItem = d.parcelId ?? d.returnId;
      const cloudItem = c.parcelId ?? c.returnId;
      if (deviceItem !== cloudItem)
        mismatches.push({
          compartmentId: d.id,
          kind: 'contents',
          device: deviceItem,
          cloud: cloudItem,
          detail: 'the unit and the cloud disagree on what is inside',
        });
      if (d.state === 'occupied' && d.parcelId !== null && !active.has(d.parcelId))
        mismatches.push({
          compartmentId: d.id,
          kind: 'unknown_item',
          device: d.parcelId,
          cloud: null,
          detail: 'the cloud has no deposited parcel with this id',
        });
      if (d.state === 'occupied' && d.returnId !== null && !activeReturns.has(d.returnId))
        mismatches.push({
          compartmentId: d.id,
          kind: 'unknown_item',
          device: d.returnId,
          cloud: null,
          detail: 'the cloud has no deposited return with this id',
        });
    }
    for (const id of cloud.keys()) {
      if (!seen.has(id))
        mismatches.push({
          compartmentId: id,
          kind: 'missing_compartment',
          device: null,
          cloud: cloud.get(id)!.state,
          detail: 'provisioned, but absent from the unit snapshot',
        });
    }
  }
  return ok({
    lockerId,
    snapshot: snapshot ? { seq: snapshot.seq, at: snapshot.at } : null,
    ackedSeq: locker.chainSeq,
    inSync: snapshot !== null && snapshot.seq === locker.chainSeq,
    mismatches,
  });
}
