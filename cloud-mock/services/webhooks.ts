/**
 * Merchants' webhooks over REST: register one (its secret answered once), list and delete a
 * key's own, read its delivery log. A key sees and deletes only the webhooks it registered.
 */
import { randomUUID } from 'node:crypto';
import { ok, type Result } from '../../src/shared/result';
import type {
  Webhook,
  WebhookCreated,
  WebhookDelivery,
  WebhookRequest,
} from '../../src/shared/rest/webhooks';
import type { ApiKeyRecord } from '../store/apiKeys';
import { deliveriesOf } from '../store/webhookDeliveries';
import {
  deleteWebhook,
  getWebhook,
  insertWebhook,
  webhooksOfKey,
  type WebhookRecord,
} from '../store/webhooks';
import { iso, type CloudContext } from './context';
import { notFound, type Refusal } from './refusal';

const SECRET_BYTES = 32;

const view = (w: WebhookRecord): Webhook => ({
  id: w.id,
  url: w.url,
  types: w.types,
  createdAt: iso(w.createdAt),
});

export function registerWebhook(
  ctx: CloudContext,
  key: ApiKeyRecord,
  req: WebhookRequest,
): Result<WebhookCreated, Refusal> {
  const record: WebhookRecord = {
    id: randomUUID(),
    apiKeyId: key.id,
    url: req.url,
    types: [...new Set(req.types)],
    secret: `whsec_${ctx.randomBytes(SECRET_BYTES).toString('base64url')}`,
    createdAt: ctx.clock.now(),
    deletedAt: null,
  };
  insertWebhook(ctx.db, record);
  ctx.log.info(
    { webhookId: record.id, keyId: key.id, host: new URL(record.url).host, types: record.types },
    'webhook registered',
  );
  return ok({ ...view(record), secret: record.secret });
}

export function listWebhooks(ctx: CloudContext, key: ApiKeyRecord): { webhooks: Webhook[] } {
  return { webhooks: webhooksOfKey(ctx.db, key.id).map(view) };
}

/** The key's own live webhook; another key's answers 404, as if it did not exist. */
function ownWebhook(ctx: CloudContext, key: ApiKeyRecord, id: string): WebhookRecord | null {
  const w = getWebhook(ctx.db, id);
  return w && w.apiKeyId === key.id && w.deletedAt === null ? w : null;
}

export function removeWebhook(
  ctx: CloudContext,
  key: ApiKeyRecord,
  id: string,
): Result<{ id: string; deleted: true }, Refusal> {
  if (!ownWebhook(ctx, key, id)) return notFound('webhook');
  deleteWebhook(ctx.db, id, ctx.clock.now());
  ctx.log.info({ webhookId: id, keyId: key.id }, 'webhook deleted');
  return ok({ id, deleted: true });
}

export function webhookDeliveries(
  ctx: CloudContext,
  key: ApiKeyRecord,
  id: string,
  limit: number,
): Result<{ deliveries: WebhookDelivery[] }, Refusal> {
  if (!ownWebhook(ctx, key, id)) return notFound('webhook');
  return ok({
    deliveries: deliveriesOf(ctx.db, id, limit).map((d) => ({
      eventId: d.eventId,
      type: d.type,
      state: d.state,
      attempts: d.attempts,
      nextAt: iso(d.nextAt),
      lastStatus: d.lastStatus,
      lastError: d.lastError,
      deliveredAt: d.deliveredAt === null ? null : iso(d.deliveredAt),
    })),
  });
}
