/**
 * The cloud's REST bodies (DESIGN §6), declared once: cloud-mock validates with them, the
 * kiosk's enrolment client and the e2e suites type their calls from them, and the OpenAPI
 * document is generated from them.
 */
import { z } from 'zod';
import { BADGE_TOKEN_MAX_LENGTH } from '../badge';
import { ENROLLMENT_TOKEN_FORM, ENROLLMENT_TOKEN_PATTERN } from '../enrollmentToken';
import {
  BADGE_ROLES,
  CODE_LENGTH,
  COMPARTMENT_STATES,
  PARCEL_STATES,
  RETURN_STATES,
  SIZES,
} from '../domain';
import { LockerIdSchema } from '../events';
import { DimensionsSchema, TrackingBarcodeSchema } from '../protocol/commands';

const mm = z.number().int().positive().max(5000);
const entityId = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, '1..64 letters, digits, . _ : -');
const uuid = z.uuid();
const isoTime = z.iso.datetime({ precision: 3 });
const b64url32 = z
  .string()
  .regex(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/, 'expected 32 bytes as unpadded base64url');
const sizeEnum = z.enum(SIZES);

export { LockerIdSchema, DimensionsSchema, TrackingBarcodeSchema };

export const LockerIdParamsSchema = z.strictObject({ id: LockerIdSchema });
export const EntityIdParamsSchema = z.strictObject({ id: uuid });
export const BadgeIdParamsSchema = z.strictObject({ id: entityId });

// ── errors ───────────────────────────────────────────────────────────────────────────────

export const ProblemSchema = z.object({ path: z.string(), message: z.string() });
export const ValidationErrorSchema = z.object({
  error: z.literal('invalid_request'),
  problems: z.array(ProblemSchema),
});
export type ValidationError = z.infer<typeof ValidationErrorSchema>;

/** Any other refusal: a reason code and a sentence for the operator. */
export const ErrorResponseSchema = z.object({
  error: z.string(),
  message: z.string().optional(),
});
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;

// ── lockers ──────────────────────────────────────────────────────────────────────────────

export const CompartmentSpecSchema = z.strictObject({
  id: z.string().regex(/^[A-Z][0-9]{1,2}$/, 'compartment ids look like "A1"'),
  size: sizeEnum,
  inner: z.strictObject({ lengthMm: mm, widthMm: mm, heightMm: mm }),
  maxWeightG: z.number().int().positive().max(100_000),
  lowerDoor: z.boolean(),
});
export type CompartmentSpec = z.infer<typeof CompartmentSpecSchema>;

/** Digits of the pickup and return codes the cloud issues a locker. */
const codeLength = z.number().int().min(CODE_LENGTH.min).max(CODE_LENGTH.max);

export const ProvisionLockerRequestSchema = z
  .strictObject({
    id: LockerIdSchema,
    name: z.string().trim().min(1).max(120),
    address: z.string().trim().min(1).max(300),
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
    compartments: z.array(CompartmentSpecSchema).min(1).max(200),
    /** Without it, the cloud's default; given, it also goes to the unit as config.update. */
    codeLength: codeLength.optional(),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.compartments.forEach((c, i) => {
      if (seen.has(c.id))
        ctx.addIssue({
          code: 'custom',
          path: ['compartments', i, 'id'],
          message: `duplicate compartment id ${c.id}`,
        });
      seen.add(c.id);
    });
  });
export type ProvisionLockerRequest = z.infer<typeof ProvisionLockerRequestSchema>;

export const ProvisionLockerResponseSchema = z.object({
  lockerId: LockerIdSchema,
  /**
   * One-time token the installer puts into the unit's config; only its hash is kept. It pins
   * the cloud key's SHA-256 (src/shared/enrollmentToken.ts).
   */
  enrollmentToken: z.string().regex(ENROLLMENT_TOKEN_PATTERN),
});
export type ProvisionLockerResponse = z.infer<typeof ProvisionLockerResponseSchema>;

export const EnrollRequestSchema = z.strictObject({
  token: z.string().regex(ENROLLMENT_TOKEN_PATTERN, `expected ${ENROLLMENT_TOKEN_FORM}`),
  /** The device's Ed25519 public key, raw 32 bytes as base64url. */
  devicePublicKey: b64url32,
  /** The 32-byte HMAC key pickup-code digests are computed with. */
  codeDigestKey: b64url32,
});
export type EnrollRequest = z.infer<typeof EnrollRequestSchema>;

export const EnrollResponseSchema = z.object({
  lockerId: LockerIdSchema,
  /** The cloud's Ed25519 public key (raw 32 bytes, base64url): commands and badges. */
  cloudPublicKey: b64url32,
  mqtt: z.object({
    /** Where to connect; never with credentials in it. */
    url: z.string().regex(/^(mqtts?|wss?):\/\/\S+$/, 'expected an mqtt(s):// or ws(s):// URL'),
    topicPrefix: z.string().min(1).max(200),
    /**
     * This enrolment's broker identity: the username is the locker id (and its client id). Absent
     * when broker accounts are managed elsewhere (e.g. an X.509 certificate per unit).
     */
    username: LockerIdSchema.optional(),
    /** Its password (192 random bits), shown only in this answer; a new enrolment replaces it. */
    password: z.string().min(32).max(256).optional(),
  }),
});
export type EnrollResponse = z.infer<typeof EnrollResponseSchema>;

/** A query-string number: digits in, a checked number out. */
const queryNumber = <T extends z.ZodNumber>(inner: T) =>
  z
    .string()
    .regex(/^-?[0-9]+(\.[0-9]+)?$/, 'expected a number')
    .transform(Number)
    .pipe(inner);
/** A path or query number: digits only in, a checked whole number out. */
const wholeNumber = (max: number) =>
  z
    .string()
    .regex(/^[0-9]{1,15}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(max));
const coordinate = (min: number, max: number) =>
  queryNumber(z.number().min(min).max(max)).optional();

export const LockerSearchQuerySchema = z
  .strictObject({
    lat: coordinate(-90, 90),
    lng: coordinate(-180, 180),
    size: sizeEnum.optional(),
    limit: queryNumber(z.number().int().min(1).max(100)).default(10),
  })
  .refine((q) => (q.lat === undefined) === (q.lng === undefined), {
    message: 'lat and lng go together',
    path: ['lng'],
    // Also when another field is wrong, so every problem is reported at once.
    when: (payload) => typeof payload.value === 'object' && payload.value !== null,
  });
export type LockerSearchQuery = z.input<typeof LockerSearchQuerySchema>;

export const AvailabilitySchema = z.object({
  S: z.number(),
  M: z.number(),
  L: z.number(),
  XL: z.number(),
});
export type Availability = z.infer<typeof AvailabilitySchema>;

export const PresenceViewSchema = z.object({
  status: z.enum(['online', 'offline', 'unknown']),
  at: isoTime.nullable(),
});

export const LockerSummarySchema = z.object({
  id: LockerIdSchema,
  name: z.string(),
  address: z.string(),
  lat: z.number(),
  lng: z.number(),
  enrolled: z.boolean(),
  flagged: z.boolean(),
  presence: PresenceViewSchema,
  /** Sizes still promisable: free compartments minus open allocations. */
  availability: AvailabilitySchema,
  distanceM: z.number().nullable(),
});
export type LockerSummary = z.infer<typeof LockerSummarySchema>;

export const LockerSearchResponseSchema = z.object({ lockers: z.array(LockerSummarySchema) });

export const CompartmentViewSchema = z.object({
  id: z.string(),
  size: sizeEnum,
  inner: DimensionsSchema,
  maxWeightG: z.number(),
  lowerDoor: z.boolean(),
  state: z.enum(COMPARTMENT_STATES),
  doorOpen: z.boolean().nullable(),
  parcelId: z.string().nullable(),
  returnId: z.string().nullable(),
  /** Where the state comes from: the retained snapshot or the ingested events. */
  source: z.enum(['snapshot', 'events', 'provisioned']),
});
export type CompartmentView = z.infer<typeof CompartmentViewSchema>;

/** A cancel or lapse the cloud asked of the unit and the unit has not confirmed yet. */
const pendingRelease = z
  .enum(['cancel', 'lapse'])
  .nullable()
  .describe('A cancel or lapse sent to the locker, not confirmed yet: the compartment stays held');
const lockerRefusal = z
  .string()
  .nullable()
  .describe('What the locker last refused, e.g. "cancel refused: deposit in progress"');

export const ParcelViewSchema = z.object({
  allocationId: uuid,
  parcelId: z.string(),
  trackingBarcode: z.string(),
  state: z.enum(PARCEL_STATES),
  size: sizeEnum.nullable(),
  compartmentId: z.string().nullable(),
  announced: z.boolean(),
  holdDays: z.number(),
  createdAt: isoTime,
  depositedAt: isoTime.nullable(),
  expiresAt: isoTime.nullable(),
  pending: pendingRelease,
  lockerRefusal,
  /** The locker the courier put it in instead (the customer is told); null: not misdelivered. */
  misdeliveredTo: LockerIdSchema.nullable(),
});
export type ParcelView = z.infer<typeof ParcelViewSchema>;

/** A return's states in the cloud: the unit's, and cancelled (by REST, or lapsed). */
export const CLOUD_RETURN_STATES = [...RETURN_STATES, 'cancelled'] as const;
export type CloudReturnState = (typeof CLOUD_RETURN_STATES)[number];

export const ReturnViewSchema = z.object({
  returnId: uuid,
  size: sizeEnum,
  state: z.enum(CLOUD_RETURN_STATES),
  compartmentId: z.string().nullable(),
  createdAt: isoTime,
  /** Not dropped by then, it is cancelled. */
  lapsesAt: isoTime,
  pending: pendingRelease,
  lockerRefusal,
});

/** One allocation as its merchant reads it (GET /allocations/:id). */
export const AllocationViewSchema = ParcelViewSchema.extend({ lockerId: LockerIdSchema });
export type AllocationView = z.infer<typeof AllocationViewSchema>;

/** One return (GET /returns/:id). */
export const ReturnDetailSchema = ReturnViewSchema.extend({ lockerId: LockerIdSchema });
export type ReturnDetail = z.infer<typeof ReturnDetailSchema>;

export const LockerDetailSchema = LockerSummarySchema.omit({ distanceM: true }).extend({
  /** Digits of the codes the cloud issues this locker now; codes issued before keep theirs. */
  codeLength: z.number(),
  compartments: z.array(CompartmentViewSchema),
  parcels: z.array(ParcelViewSchema),
  returns: z.array(ReturnViewSchema),
  snapshot: z.object({ seq: z.number(), at: isoTime }).nullable(),
});
export type LockerDetail = z.infer<typeof LockerDetailSchema>;

/** A locker's policy, held by the cloud: what PUT …/policy sets. */
export const LockerPolicyRequestSchema = z.strictObject({ codeLength });
export type LockerPolicyRequest = z.infer<typeof LockerPolicyRequestSchema>;

export const LockerPolicyResponseSchema = z.object({
  lockerId: LockerIdSchema,
  codeLength: z.number(),
  /** The config.update that carries it to the unit (re-sent until the unit answers). */
  commandId: uuid,
});
export type LockerPolicyResponse = z.infer<typeof LockerPolicyResponseSchema>;

// ── operator alerts ──────────────────────────────────────────────────────────────────────

/** What staff must act on, each named after the device event that raises it. */
export const ALERT_KINDS = [
  'jammed',
  'opened_unexpectedly',
  'outcome_unknown',
  'inspection',
  'foreign_item',
  // The whole locker (compartmentId null).
  'throttled',
  'code_rejections',
  'hardware_fault',
  'clock_skew',
  'chain_break',
  'offline',
  'storage_low',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const AlertSchema = z.object({
  id: z.number().int(),
  lockerId: LockerIdSchema,
  /** Null: about the whole locker (throttle, wrong codes, hardware, clock, chain, offline). */
  compartmentId: z.string().nullable(),
  kind: z.enum(ALERT_KINDS),
  /** What happened, in words built from the event (operation, evidence, why). */
  detail: z.string(),
  /** The event that raised it; null when the cloud raised it from what it saw (offline, chain). */
  seq: z.number().int().nullable(),
  /** The event's time on the unit, or the cloud's time of its own observation. */
  raisedAt: isoTime,
  /** When it ends unless renewed (a throttle's end, a quiet period); null: ended by an event. */
  endsAt: isoTime.nullable(),
  acknowledged: z.object({ at: isoTime, by: z.string() }).nullable(),
  /**
   * Set when what ends it happens: back in service, the door closed, the hardware recovered,
   * the locker online again (seq of the event that said so), or its end time passed (seq null).
   */
  cleared: z
    .object({ at: isoTime, seq: z.number().int().nullable(), reason: z.string() })
    .nullable(),
});
export type Alert = z.infer<typeof AlertSchema>;

export const AlertsQuerySchema = z.strictObject({
  /** open: not cleared yet (acknowledged or not); cleared; or all. */
  state: z.enum(['open', 'cleared', 'all']).default('all'),
  limit: wholeNumber(500).default(100),
});
export type AlertsQuery = z.output<typeof AlertsQuerySchema>;

export const AlertsResponseSchema = z.object({
  lockerId: LockerIdSchema,
  /** Newest first. */
  alerts: z.array(AlertSchema),
});
export type AlertsResponse = z.infer<typeof AlertsResponseSchema>;

export const StatusStreamQuerySchema = z.strictObject({
  /** Resume after this status event id (Last-Event-ID, when sent, wins). */
  after: queryNumber(z.number().int().min(0)).optional(),
});

export const AlertParamsSchema = z.strictObject({
  id: LockerIdSchema,
  alertId: wholeNumber(Number.MAX_SAFE_INTEGER),
});

export const AcknowledgeAlertRequestSchema = z.strictObject({
  by: entityId.default('cloud-operator'),
});

// ── allocations ──────────────────────────────────────────────────────────────────────────

/** The languages the customer is written to in (the kiosk's: src/renderer/i18n). */
export const CUSTOMER_LANGUAGES = ['en', 'de', 'pl'] as const;
export const CustomerLanguageSchema = z.enum(CUSTOMER_LANGUAGES);
export type CustomerLanguage = z.infer<typeof CustomerLanguageSchema>;

export const CustomerSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(120),
    phone: z
      .string()
      .regex(/^\+?[0-9 ()-]{6,20}$/, 'expected a phone number like +49 30 1234567')
      .optional(),
    email: z.email().max(200).optional(),
  })
  .refine((c) => c.phone !== undefined || c.email !== undefined, {
    message: 'a phone number or an e-mail address is needed to send the code',
    path: ['phone'],
    // Reported together with the other fields' problems.
    when: (payload) => typeof payload.value === 'object' && payload.value !== null,
  });
export type Customer = z.infer<typeof CustomerSchema>;

export const AllocationRequestSchema = z.strictObject({
  lockerId: LockerIdSchema,
  parcelId: entityId,
  trackingBarcode: TrackingBarcodeSchema,
  dimensions: DimensionsSchema,
  weightG: z.number().int().min(0).max(100_000),
  customer: CustomerSchema,
  accessible: z.boolean().default(false),
  /** Days the parcel is held after deposit (the locker's default is 3). */
  holdDays: z.number().int().min(1).max(30).default(3),
  /** The language of the customer's messages and status page (as on the kiosk). */
  language: CustomerLanguageSchema.default('en'),
});
export type AllocationRequest = z.input<typeof AllocationRequestSchema>;

export const AllocationResponseSchema = z.object({
  allocationId: uuid,
  size: sizeEnum,
  /** The allocation lapses (and its capacity is released) if nothing is deposited by then. */
  expiresAt: isoTime,
  /**
   * The customer's status page, `/p/{allocationId}?t={token}` on the cloud's public address; its
   * token is the parcel's secret (anyone with the link sees the code), sent in the customer's
   * notification too.
   */
  statusUrl: z.string(),
});
export type AllocationResponse = z.infer<typeof AllocationResponseSchema>;

export const ResendCodeResponseSchema = z.object({
  allocationId: uuid,
  sent: z.literal(true),
});

export const ExtendRequestSchema = z.strictObject({ days: z.number().int().min(1).max(27) });
export const ExtendResponseSchema = z.object({
  allocationId: uuid,
  holdDays: z.number(),
  /** New pickup deadline when the parcel is in the locker, else null. */
  expiresAt: isoTime.nullable(),
  commandId: uuid,
});

export const CancelResponseSchema = z.object({
  allocationId: uuid,
  state: z.literal('cancelled'),
  commandId: uuid,
});

// ── returns, remote open, badges ─────────────────────────────────────────────────────────

export const ReturnRequestSchema = z.strictObject({
  lockerId: LockerIdSchema,
  size: sizeEnum,
  customer: CustomerSchema,
  /** The language of the customer's return code message. */
  language: CustomerLanguageSchema.default('en'),
});
export type ReturnRequest = z.infer<typeof ReturnRequestSchema>;

export const ReturnResponseSchema = z.object({
  returnId: uuid,
  returnCode: z.string(),
  /** The short reference on the customer's receipt and for the courier (returnReference). */
  reference: z.string(),
  commandId: uuid,
});

export const ReturnCancelResponseSchema = z.object({
  returnId: uuid,
  state: z.literal('cancelled'),
  /** The return.cancel to the unit: the compartment is let go once the unit confirms it. */
  commandId: uuid,
});

export const RemoteOpenRequestSchema = z.strictObject({
  compartmentId: z.string().min(1).max(64),
  reason: z.string().trim().min(3).max(200),
  requestedBy: entityId.default('cloud-operator'),
});
export const CommandAcceptedSchema = z.object({ commandId: uuid });

export const BadgeRequestSchema = z.strictObject({
  role: z.enum(BADGE_ROLES),
  subject: z.string().min(1).max(64),
  lockers: z.array(LockerIdSchema).min(1).max(1000).optional(),
  validDays: z.number().int().min(1).max(365),
});
export type BadgeRequest = z.infer<typeof BadgeRequestSchema>;

export const BadgeResponseSchema = z.object({
  badgeId: z.string(),
  /** `LKB1.…`, at most BADGE_TOKEN_MAX_LENGTH characters (src/shared/badge.ts). */
  token: z.string().max(BADGE_TOKEN_MAX_LENGTH),
  expiresAt: isoTime,
});
export type BadgeResponse = z.infer<typeof BadgeResponseSchema>;

export const RevokeResponseSchema = z.object({
  badgeId: z.string(),
  revoked: z.literal(true),
  /** One credentials.revoke command per enrolled locker. */
  commandIds: z.array(uuid),
});

// ── notifications, audit, reconciliation ────────────────────────────────────────────────

export const NOTIFICATION_KINDS = [
  'pickup_code',
  'reminder',
  'expiry_warning',
  'expired',
  'picked_up',
  'return_code',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NotificationsQuerySchema = z.strictObject({
  lockerId: LockerIdSchema.optional(),
  parcelId: entityId.optional(),
  to: z.string().min(1).max(200).optional(),
  limit: queryNumber(z.number().int().min(1).max(500)).default(100),
});
export type NotificationsQuery = z.input<typeof NotificationsQuerySchema>;

export const NotificationSchema = z.object({
  id: z.number(),
  kind: z.enum(NOTIFICATION_KINDS),
  lockerId: z.string(),
  parcelId: z.string().nullable(),
  returnId: z.string().nullable(),
  /** Phone, e-mail, or `carrier:<barcode>` when the cloud had no customer contact. */
  to: z.array(z.string()),
  subject: z.string(),
  text: z.string(),
  /** The plain pickup or return code, only on pickup_code and return_code. */
  code: z.string().nullable(),
  /** What the QR in the message encodes: a token payload, `LKP2:…` or `LKR2:…` (src/shared/qrToken.ts). */
  qrPayload: z.string().nullable(),
  createdAt: isoTime,
});
export type Notification = z.infer<typeof NotificationSchema>;
export const NotificationsResponseSchema = z.object({
  notifications: z.array(NotificationSchema),
});

export const AuditResponseSchema = z.object({
  lockerId: LockerIdSchema,
  /** Highest seq received (stored, or held back behind a gap). */
  lastSeq: z.number(),
  /** Highest contiguous seq durably stored: what the device has been acked. */
  ackedSeq: z.number(),
  lastHash: z.string(),
  /** Missing seq ranges between ackedSeq and lastSeq. */
  gaps: z.array(z.object({ fromSeq: z.number(), toSeq: z.number() })),
  brokenLinks: z.array(
    z.object({ seq: z.number().nullable(), reason: z.string(), detail: z.string(), at: isoTime }),
  ),
  flagged: z.boolean(),
});
export type AuditResponse = z.infer<typeof AuditResponseSchema>;

export const MISMATCH_KINDS = [
  'unknown_compartment',
  'missing_compartment',
  'state',
  'contents',
  'unknown_item',
] as const;

export const ReconciliationResponseSchema = z.object({
  lockerId: LockerIdSchema,
  snapshot: z.object({ seq: z.number(), at: isoTime }).nullable(),
  ackedSeq: z.number(),
  /** The snapshot reflects exactly the events stored so far. */
  inSync: z.boolean(),
  mismatches: z.array(
    z.object({
      compartmentId: z.string(),
      kind: z.enum(MISMATCH_KINDS),
      device: z.string().nullable(),
      cloud: z.string().nullable(),
      detail: z.string(),
    }),
  ),
});
export type ReconciliationResponse = z.infer<typeof ReconciliationResponseSchema>;
