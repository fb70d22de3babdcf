/**
 * What the cloud tells merchants, dashboards and customers about parcels, returns and lockers as
 * it happens: one record per change, numbered in the order the cloud committed them, kept in
 * the cloud's store (`status_events`) and delivered from there (webhooks, Server-Sent Events,
 * the customer's status page), so a delivery that fails or a reader that reconnects resumes from
 * the last number it saw.
 */
import { z } from 'zod';
import { LockerIdSchema } from '../events';

export const STATUS_EVENT_TYPES = [
  // A parcel's life.
  'parcel.deposited',
  'parcel.misdelivered',
  'parcel.picked_up',
  'parcel.expired',
  'parcel.returned_to_sender',
  'parcel.extended',
  'parcel.extend_refused',
  'parcel.cancelled',
  'parcel.cancel_refused',
  'parcel.expect_refused',
  'parcel.lapsed',
  // A customer's return.
  'return.deposited',
  'return.collected',
  'return.cancelled',
  'return.lapsed',
  // Operators.
  'alert.raised',
  'alert.cleared',
  // The locker itself: online state, compartments, availability.
  'locker.changed',
] as const;
export type StatusEventType = (typeof STATUS_EVENT_TYPES)[number];

export const StatusEventSchema = z.object({
  /** Increasing in commit order, across all lockers: a reader resumes after the last it saw. */
  id: z.number().int().positive(),
  type: z.enum(STATUS_EVENT_TYPES),
  /** When the cloud recorded it. */
  at: z.iso.datetime({ precision: 3 }),
  lockerId: LockerIdSchema,
  /** The unit's parcel id (a sender's entity id or a unit-made UUID); the allocation is in data. */
  parcelId: z.string().min(1).max(128).nullable(),
  returnId: z.uuid().nullable(),
  /** What else the type says (a refusal's reason, the new expiry, the alert, …). */
  data: z.record(z.string(), z.unknown()),
});
export type StatusEvent = z.infer<typeof StatusEventSchema>;
