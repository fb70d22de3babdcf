/**
 * Cloud → device commands (DESIGN §5): an envelope with an id, an issue time, a lifetime
 * (`notAfter`) and the cloud's Ed25519 signature over the RFC 8785 canonical JSON of every field
 * but `sig`, and one payload schema per command type. The device verifies, refuses what has
 * outlived its lifetime, drops replays by id, applies, and answers with a `command.result` event.
 */
import { z } from 'zod';
import { CODE_LENGTH, SIZES } from '../domain';
import { LockerIdSchema, SignatureSchema } from '../events';

const digest = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'expected an HMAC-SHA256 digest as 64 lowercase hex digits');
const mm = z.number().int().positive().max(5000);
const id = z.string().min(1).max(64);
const reason = z.string().trim().min(3).max(200);

export const TrackingBarcodeSchema = z
  .string()
  .regex(/^[\x21-\x7e]{4,64}$/, 'printable ASCII, 4..64 characters');

export const DimensionsSchema = z.strictObject({ lengthMm: mm, widthMm: mm, heightMm: mm });

/** parcel.expect: a parcel is on its way to this locker; its code travels only as a digest. */
export const ParcelExpectationSchema = z.strictObject({
  parcelId: id,
  trackingBarcode: TrackingBarcodeSchema,
  dimensions: DimensionsSchema,
  weightG: z.number().int().min(0).max(100_000),
  accessible: z.boolean().default(false),
  codeDigest: digest,
  /** HMAC of the pickup QR payload (src/shared/qrToken.ts); absent: no QR token was issued. */
  qrDigest: digest.optional(),
  holdDays: z.number().int().min(1).max(30).optional(),
});
export type ParcelExpectation = z.input<typeof ParcelExpectationSchema>;

/** return.expect: a customer will drop a return with this code. */
export const ReturnExpectationSchema = z.strictObject({
  returnId: id,
  size: z.enum(SIZES),
  codeDigest: digest,
  /** HMAC of the return QR payload (src/shared/qrToken.ts). */
  qrDigest: digest.optional(),
});
export type ReturnExpectation = z.input<typeof ReturnExpectationSchema>;

export const CommandPayloadSchemas = {
  'parcel.expect': ParcelExpectationSchema,
  'parcel.cancel': z.strictObject({ parcelId: id }),
  'parcel.code': z.strictObject({ parcelId: id, codeDigest: digest, qrDigest: digest.optional() }),
  'parcel.extend': z.strictObject({ parcelId: id, holdDays: z.number().int().min(1).max(30) }),
  'return.expect': ReturnExpectationSchema,
  /** The return will not come (cancelled or lapsed): its code stops working, its space frees. */
  'return.cancel': z.strictObject({ returnId: id }),
  'compartment.set_service': z.strictObject({ compartmentId: id, inService: z.boolean(), reason }),
  'door.open_remote': z.strictObject({ compartmentId: id, reason, requestedBy: id }),
  'credentials.revoke': z.strictObject({ badgeIds: z.array(id).min(1).max(1000) }),
  'config.update': z.strictObject({
    holdDays: z.number().int().min(1).max(30).optional(),
    reservationTimeoutSec: z.number().int().min(10).max(3600).optional(),
    /** Digits the cloud issues this locker's new codes with; issued codes keep working. */
    codeLength: z.number().int().min(CODE_LENGTH.min).max(CODE_LENGTH.max).optional(),
  }),
  'state.request': z.strictObject({}),
} as const;

export type CommandType = keyof typeof CommandPayloadSchemas;
export const COMMAND_TYPES = Object.keys(CommandPayloadSchemas) as CommandType[];
export type CommandPayload<T extends CommandType> = z.input<(typeof CommandPayloadSchemas)[T]>;

/** Everything the cloud signs. */
export const CommandBodySchema = z.strictObject({
  v: z.literal(1),
  id: z.uuid(),
  lockerId: LockerIdSchema,
  issuedAt: z.iso.datetime({ precision: 3 }),
  /**
   * The last moment the command may be applied, fixed when it is created and kept on every
   * resend; null: no expiry (only for commands whose replay is harmless, credentials.revoke).
   */
  notAfter: z.iso.datetime({ precision: 3 }).nullable(),
  type: z.enum(COMMAND_TYPES as [CommandType, ...CommandType[]]),
  payload: z.record(z.string(), z.unknown()),
});

export const SignedCommandSchema = z.strictObject({
  ...CommandBodySchema.shape,
  sig: SignatureSchema,
});

export type CommandBody = z.infer<typeof CommandBodySchema>;
export type SignedCommand = z.infer<typeof SignedCommandSchema>;

/** What the device reports back, as the payload of a `command.result` event. */
export const CommandResultSchema = z.strictObject({
  commandId: z.uuid(),
  type: z.enum(COMMAND_TYPES as [CommandType, ...CommandType[]]),
  ok: z.boolean(),
  /**
   * A reason code when not ok: wrong_locker, expired, not_yet_valid, invalid_payload, replayed,
   * or the service's reason. Never bad_signature: an unverified message is not answered
   * (command.rejected_unverified records it instead).
   */
  error: z.string().max(200).optional(),
  detail: z.string().max(1000).optional(),
});
export type CommandResult = z.infer<typeof CommandResultSchema>;

/**
 * What the device records, as the payload of a `command.rejected_unverified` event, about a
 * message on its commands topic that is not a verified command (oversized, malformed_json,
 * invalid_schema, bad_signature). The id and type it claims are not the cloud's word: kept for
 * forensics, never an answer to the command with that id.
 */
export const CommandRejectedUnverifiedSchema = z.strictObject({
  reason: z.string().max(200),
  detail: z.string().max(1000),
  claimedId: z.uuid().optional(),
  claimedType: z.enum(COMMAND_TYPES as [CommandType, ...CommandType[]]).optional(),
});
export type CommandRejectedUnverified = z.infer<typeof CommandRejectedUnverifiedSchema>;
