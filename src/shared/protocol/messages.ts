/**
 * The other MQTT messages of DESIGN §5: event batches (device → cloud), cumulative acks signed
 * by the cloud (cloud → device), the retained compartment snapshot signed by the device and the
 * retained presence with its LWT. Signed messages carry `sig`: Ed25519 over the RFC 8785
 * canonical JSON of every other field (src/shared/node/signedMessage.ts).
 */
import { z } from 'zod';
import { COMPARTMENT_STATES, SIZES } from '../domain';
import { LockerIdSchema, SignatureSchema, SignedEventSchema } from '../events';

/** events: 1..N signed events in seq order, at most MAX_MESSAGE_BYTES on the wire. */
export const EventBatchSchema = z.strictObject({
  v: z.literal(1),
  events: z.array(SignedEventSchema).min(1).max(10_000),
});
export type EventBatch = z.infer<typeof EventBatchSchema>;

/** What the cloud signs in an ack. */
export const AckBodySchema = z.strictObject({
  v: z.literal(1),
  /** The locker this ack is for (an ack copied to another locker's topic is refused). */
  lockerId: LockerIdSchema,
  /** The highest contiguous seq the cloud has durably stored; lower than before = rewind. */
  upToSeq: z.number().int().min(0),
  /** When the cloud read its head, strictly increasing per cloud: an older one is a replay. */
  at: z.iso.datetime({ precision: 3 }),
});
export type AckBody = z.infer<typeof AckBodySchema>;

/** acks: the cloud's signed statement of how far it has stored a locker's chain. */
export const AckSchema = AckBodySchema.extend({ sig: SignatureSchema });
export type Ack = z.infer<typeof AckSchema>;

export const CompartmentSnapshotSchema = z.strictObject({
  id: z.string(),
  size: z.enum(SIZES),
  state: z.enum(COMPARTMENT_STATES),
  doorOpen: z.boolean().nullable(),
  parcelId: z.string().nullable(),
  returnId: z.string().nullable(),
});

/** What the device signs in a state snapshot. */
export const StateSnapshotBodySchema = z.strictObject({
  v: z.literal(1),
  lockerId: LockerIdSchema,
  at: z.iso.datetime({ precision: 3 }),
  /** The last event seq this snapshot reflects. */
  seq: z.number().int().min(0),
  compartments: z.array(CompartmentSnapshotSchema).max(200),
});
export type StateSnapshotBody = z.infer<typeof StateSnapshotBodySchema>;

/**
 * state (retained): what the device believes is in each compartment, for reconciliation,
 * signed with the device key (the one its events are signed with).
 */
export const StateSnapshotSchema = StateSnapshotBodySchema.extend({ sig: SignatureSchema });
export type StateSnapshot = z.infer<typeof StateSnapshotSchema>;

/** presence (retained; the offline form is also the connection's last will). */
export const PresenceSchema = z.strictObject({
  v: z.literal(1),
  status: z.enum(['online', 'offline']),
  at: z.iso.datetime({ precision: 3 }).optional(),
  softwareVersion: z.string().max(64).optional(),
});
export type Presence = z.infer<typeof PresenceSchema>;
