/**
 * REST bodies cloud-mock serves that src/shared/rest does not declare yet: operator alerts.
 * They belong in src/shared/rest/schemas.ts (the one contract per boundary); until they move,
 * they are declared here once and everything in cloud-mock is typed from them.
 */
import { z } from 'zod';
import { LockerIdSchema } from '../../src/shared/rest/schemas';

const isoTime = z.iso.datetime({ precision: 3 });
const entityId = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, '1..64 letters, digits, . _ : -');

/** What staff must act on, each named after the device event that raises it. */
export const ALERT_KINDS = [
  'jammed',
  'opened_unexpectedly',
  'outcome_unknown',
  'inspection',
  'foreign_item',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const AlertSchema = z.object({
  id: z.number().int(),
  lockerId: LockerIdSchema,
  compartmentId: z.string(),
  kind: z.enum(ALERT_KINDS),
  /** What happened, in words built from the event (operation, evidence, why). */
  detail: z.string(),
  /** The event that raised it. */
  seq: z.number().int(),
  /** The event's time on the unit. */
  raisedAt: isoTime,
  acknowledged: z.object({ at: isoTime, by: z.string() }).nullable(),
  /** Set when the locker reports what ends it: back in service, or the door closed. */
  cleared: z.object({ at: isoTime, seq: z.number().int(), reason: z.string() }).nullable(),
});
export type Alert = z.infer<typeof AlertSchema>;

/** A path or query number: digits in, a checked integer out. */
const digits = (max: number) =>
  z
    .string()
    .regex(/^[0-9]{1,15}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(max));

export const AlertsQuerySchema = z.strictObject({
  /** open: not cleared yet (acknowledged or not); cleared; or all. */
  state: z.enum(['open', 'cleared', 'all']).default('all'),
  limit: digits(500).default(100),
});
export type AlertsQuery = z.output<typeof AlertsQuerySchema>;

export const AlertsResponseSchema = z.object({
  lockerId: LockerIdSchema,
  /** Newest first. */
  alerts: z.array(AlertSchema),
});
export type AlertsResponse = z.infer<typeof AlertsResponseSchema>;

export const AlertParamsSchema = z.strictObject({
  id: LockerIdSchema,
  alertId: digits(Number.MAX_SAFE_INTEGER),
});

export const AcknowledgeAlertRequestSchema = z.strictObject({
  by: entityId.default('cloud-operator'),
});
