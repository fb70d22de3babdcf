/** Queries on the notifications table: the development inbox standing in for SMS and e-mail. */
import type { Notification, NotificationKind } from '../../src/shared/rest/schemas';
import type { Db } from './database';
import { stmt } from './statements';

export interface NewNotification {
  kind: NotificationKind;
  lockerId: string;
  parcelId: string | null;
  returnId: string | null;
  to: string[];
  subject: string;
  text: string;
  code: string | null;
  qrPayload: string | null;
  createdAt: number;
  dedupeKey: string;
}

interface Row {
  id: number;
  kind: NotificationKind;
  locker_id: string;
  parcel_id: string | null;
  return_id: string | null;
  recipients: string;
  subject: string;
  text: string;
  code: string | null;
  qr_payload: string | null;
  created_at: number;
}

const fromRow = (r: Row): Notification => ({
  id: r.id,
  kind: r.kind,
  lockerId: r.locker_id,
  parcelId: r.parcel_id,
  returnId: r.return_id,
  to: JSON.parse(r.recipients) as string[],
  subject: r.subject,
  text: r.text,
  code: r.code,
  qrPayload: r.qr_payload,
  createdAt: new Date(r.created_at).toISOString(),
});

/** False when one with the same dedupe key was already sent. */
export function insertNotification(db: Db, n: NewNotification): boolean {
  const info = stmt(
    db,
    `INSERT OR IGNORE INTO notifications (kind, locker_id, parcel_id, return_id, recipients,
         subject, text, code, qr_payload, created_at, dedupe_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    n.kind,
    n.lockerId,
    n.parcelId,
    n.returnId,
    JSON.stringify(n.to),
    n.subject,
    n.text,
    n.code,
    n.qrPayload,
    n.createdAt,
    n.dedupeKey,
  );
  return info.changes > 0;
}

export function hasNotification(db: Db, dedupeKey: string): boolean {
  return stmt(db, 'SELECT 1 FROM notifications WHERE dedupe_key = ?').get(dedupeKey) !== undefined;
}

export function listNotifications(
  db: Db,
  filter: { lockerId?: string; parcelId?: string; to?: string; limit: number },
): Notification[] {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (filter.lockerId !== undefined) {
    where.push('locker_id = ?');
    args.push(filter.lockerId);
  }
  if (filter.parcelId !== undefined) {
    // A merged parcel is also found by the id its sender allocated it under.
    where.push(`(parcel_id = ? OR parcel_id IN (SELECT p.parcel_id FROM parcels p
      WHERE p.cloud_parcel_id = ? AND p.locker_id = notifications.locker_id))`);
    args.push(filter.parcelId, filter.parcelId);
  }
  if (filter.to !== undefined) {
    where.push('EXISTS (SELECT 1 FROM json_each(recipients) WHERE value = ?)');
    args.push(filter.to);
  }
  const sql = `SELECT * FROM notifications ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
    ORDER BY id DESC LIMIT ?`;
  return (stmt(db, sql).all(...args, filter.limit) as Row[]).map(fromRow);
}

/** How many with a dedupe key starting `prefix` were sent at or after `since`. */
export function countNotificationsSince(db: Db, prefix: string, since: number): number {
  const r = stmt(
    db,
    `SELECT COUNT(*) AS n FROM notifications
     WHERE dedupe_key >= ? AND dedupe_key < ? || char(1114111) AND created_at >= ?`,
  ).get(prefix, prefix, since) as { n: number };
  return r.n;
}
