/**
 * Merchants' webhooks: the REST bodies to register, list and delete one, its delivery log, and
 * the headers each delivery carries. A delivery is a POST of one status event
 * (statusEvents.ts) as JSON, signed as src/shared/node/webhookSignature.ts says.
 */
import { z } from 'zod';
import { STATUS_EVENT_TYPES } from './statusEvents';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the webhook's secret>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-locker-signature';
/** The status event's id: the same on every retry, so a receiver drops what it has seen. */
export const WEBHOOK_EVENT_ID_HEADER = 'x-locker-event-id';
export const WEBHOOK_ID_HEADER = 'x-locker-webhook-id';

const MAX_URL = 2048;

export const WebhookUrlSchema = z
  .string()
  .max(MAX_URL)
  .refine(
    (raw) => {
      if (!URL.canParse(raw)) return false;
      const url = new URL(raw);
      return (
        (url.protocol === 'http:' || url.protocol === 'https:') &&
        url.username === '' &&
        url.password === ''
      );
    },
    { message: 'an http:// or https:// URL without credentials in it' },
  );

export const WebhookRequestSchema = z.strictObject({
  url: WebhookUrlSchema,
  /** The status event types to deliver (at least one). */
  types: z.array(z.enum(STATUS_EVENT_TYPES)).min(1).max(STATUS_EVENT_TYPES.length),
});
export type WebhookRequest = z.infer<typeof WebhookRequestSchema>;

export const WebhookSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  types: z.array(z.enum(STATUS_EVENT_TYPES)),
  createdAt: z.iso.datetime({ precision: 3 }),
});
export type Webhook = z.infer<typeof WebhookSchema>;

export const WebhookCreatedSchema = WebhookSchema.extend({
  /** The HMAC key of its signatures: shown this once, never again. */
  secret: z.string(),
});
export type WebhookCreated = z.infer<typeof WebhookCreatedSchema>;

export const WebhookListSchema = z.object({ webhooks: z.array(WebhookSchema) });

export const WebhookParamsSchema = z.strictObject({ id: z.uuid() });

export const WEBHOOK_DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;

export const WebhookDeliverySchema = z.object({
  eventId: z.number().int().positive(),
  type: z.enum(STATUS_EVENT_TYPES),
  /** pending: waiting for its next attempt; failed: gave up after the last one. */
  state: z.enum(WEBHOOK_DELIVERY_STATES),
  attempts: z.number().int().min(0),
  /** When the next attempt is due (pending), else when the last one was made. */
  nextAt: z.iso.datetime({ precision: 3 }),
  /** HTTP status of the last attempt; null when it got none (refused, timed out). */
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.iso.datetime({ precision: 3 }).nullable(),
});
export type WebhookDelivery = z.infer<typeof WebhookDeliverySchema>;

export const WebhookDeliveriesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const WebhookDeliveriesSchema = z.object({ deliveries: z.array(WebhookDeliverySchema) });

export const WebhookDeletedSchema = z.object({ id: z.uuid(), deleted: z.literal(true) });
