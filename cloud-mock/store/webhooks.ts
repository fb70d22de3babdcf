/** Queries on the webhooks table: merchants' delivery targets, their event types and secrets. */
import type { StatusEventType } from '../../src/shared/rest/statusEvents';
import type { Db } from './database';
import { stmt } from './statements';

export interface WebhookRecord {
  id: string;
  apiKeyId: string;
  url: string;
  types: StatusEventType[];
  secret: string;
  createdAt: number;
  deletedAt: number | null;
}

interface Row {
  id: string;
  api_key_id: string;
  url: string;
  types: string;
  secret: string;
  created_at: number;
  deleted_at: number | null;
}

const fromRow = (r: Row): WebhookRecord => ({
  id: r.id,
  apiKeyId: r.api_key_id,
  url: r.url,
  types: JSON.parse(r.types) as StatusEventType[],
  secret: r.secret,
  createdAt: r.created_at,
  deletedAt: r.deleted_at,
});

export function insertWebhook(db: Db, w: WebhookRecord): void {
  stmt(
    db,
    `INSERT INTO webhooks (id, api_key_id, url, types, secret, created_at, deleted_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(w.id, w.apiKeyId, w.url, JSON.stringify(w.types), w.secret, w.createdAt, w.deletedAt);
}

export function getWebhook(db: Db, id: string): WebhookRecord | null {
  const r = stmt(db, 'SELECT * FROM webhooks WHERE id = ?').get(id) as Row | undefined;
  return r ? fromRow(r) : null;
}

/** A key's live webhooks, oldest first. */
export function webhooksOfKey(db: Db, apiKeyId: string): WebhookRecord[] {
  return (
    stmt(
      db,
      'SELECT * FROM webhooks WHERE api_key_id = ? AND deleted_at IS NULL ORDER BY created_at, id',
    ).all(apiKeyId) as Row[]
  ).map(fromRow);
}

/** Every live webhook (the fan-out matches events against them). */
export function liveWebhooks(db: Db): WebhookRecord[] {
  return (
    stmt(
      db,
      'SELECT * FROM webhooks WHERE deleted_at IS NULL ORDER BY created_at, id',
    ).all() as Row[]
  ).map(fromRow);
}

export function deleteWebhook(db: Db, id: string, at: number): boolean {
  return (
    stmt(db, 'UPDATE webhooks SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(at, id)
      .changes === 1
  );
}
