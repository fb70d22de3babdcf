/**
 * The signature on a webhook delivery: HMAC-SHA256, under the webhook's secret, of the unix time
 * in seconds, a dot and the raw body, sent as `t=<seconds>,v1=<hex>`. A receiver recomputes it
 * over the bytes it got and refuses an old timestamp, so a captured delivery cannot be replayed
 * later.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a receiver lets the timestamp be from its own clock, by default. */
export const WEBHOOK_TOLERANCE_S = 300;

export function webhookSignature(secret: string, unixSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export type SignatureProblem = 'malformed' | 'stale' | 'mismatch';

/** Checks a delivery's header against its raw body; null when it is genuine and fresh. */
export function checkWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string,
  nowSeconds: number,
  toleranceS = WEBHOOK_TOLERANCE_S,
): SignatureProblem | null {
  const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return 'malformed';
  const t = Number(match[1]);
  if (Math.abs(nowSeconds - t) > toleranceS) return 'stale';
  const expected = Buffer.from(webhookSignature(secret, t, body).slice(-64), 'hex');
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex')) ? null : 'mismatch';
}
