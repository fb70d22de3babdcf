/**
 * The other MQTT messages of DESIGN §5: event batches (device → cloud), cumulative acks
 * (cloud → device), the retained compartment snapshot and the retained presence with its LWT.
 */
import { z } from 'zod';
import { COMPARTMENT_STATES, SIZES } from '../domain';
import { LockerIdSchema, SignedEventSchema } from '../events';

/** events: 1..N signed events in seq order, at most MAX_MESSAGE_BYTES on the wire. */
export const EventBatchSchema = z.strictObject({
  v: z.literal(1),
  events: z.array(SignedEventSchema).min(1).max(10_000),
});
export type EventBatch = z.infer<typeof EventBatchSchema>;

/** acks: the highest contiguous seq the cloud has durably stored. */
export const AckSchema = z.strictObject({
  v: z.literal(1),
  upToSeq: z.number().int().min(0),
});
export type Ack = z.infer<typeof AckSchema>;

export const CompartmentSnapshotSchema = z.strictObject({
  id: z.string(),
  size: z.enum(SIZES),
  state: z.enum(COMPARTMENT_STATES),
  doorOpen: z.boolean().nullable(),
  parcelId: z.string().nullable(),
  returnId: z.string().nullable(),
});

/** state (retained): what the device believes is in each compartment, for reconciliation. */
export const StateSnapshotSchema = z.strictObject({
  v: z.literal(1),
  lockerId: LockerIdSchema,
  at: z.iso.datetime({ precision: 3 }),
  /** The last event seq this snapshot reflects. */
  seq: z.number().int().min(0),
  compartments: z.array(CompartmentSnapshotSchema).max(200),
});
export type StateSnapshot = z.infer<typeof StateSnapshotSchema>;

/** presence (retained; the offline form is also the connection's last will). */
export const PresenceSchema = z.strictObject({
  v: z.literal(1),
  status: z.enum(['online', 'offline']),
  at: z.iso.datetime({ precision: 3 }).optional(),
  softwareVersion: z.string().max(64).optional(),
});
export type Presence = z.infer<typeof PresenceSchema>;
