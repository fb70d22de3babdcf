/**
 * Every alert raised or cleared is told as an `alert.raised` / `alert.cleared` status event in
 * the transaction that raised or cleared it, so dashboards and webhooks hear each exactly once.
 */
import { insertAlert, renewLockerAlert, type ClearedAlert, type NewAlert } from '../store/alerts';
import type { CloudContext } from './context';
import { recordStatus } from './statusEvents';

/** Inserts the alert and tells it; false when it already exists (a redelivered event). */
export function raiseAndTell(ctx: CloudContext, a: NewAlert): boolean {
  const id = insertAlert(ctx.db, a);
  if (id === null) return false;
  recordStatus(ctx, {
    type: 'alert.raised',
    lockerId: a.lockerId,
    data: {
      alertId: id,
      kind: a.kind,
      compartmentId: a.compartmentId,
      seq: a.seq,
      detail: a.detail,
    },
  });
  ctx.log.info(
    { lockerId: a.lockerId, compartmentId: a.compartmentId, kind: a.kind, seq: a.seq, alertId: id },
    'operator alert raised',
  );
  return true;
}

/**
 * A locker-wide alert: renews the open one of its kind (new words, a later end: nothing new to
 * tell), else raises it.
 */
export function raiseOrRenew(ctx: CloudContext, a: NewAlert & { compartmentId: null }): void {
  if (renewLockerAlert(ctx.db, a.lockerId, a.kind, a.detail, a.endsAt ?? null)) return;
  raiseAndTell(ctx, a);
}

/** Tells each alert just cleared. */
export function tellCleared(ctx: CloudContext, cleared: readonly ClearedAlert[], reason: string) {
  for (const a of cleared) {
    recordStatus(ctx, {
      type: 'alert.cleared',
      lockerId: a.lockerId,
      data: { alertId: a.id, kind: a.kind, compartmentId: a.compartmentId, reason },
    });
    ctx.log.info(
      { lockerId: a.lockerId, compartmentId: a.compartmentId, kind: a.kind, alertId: a.id, reason },
      'operator alert cleared',
    );
  }
}
