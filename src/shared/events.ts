/**
 * The audit event envelope: what the device signs, stores, and sends to the cloud (DESIGN §4).
 * Pure schemas and types; canonical form, hashing and signatures live in src/shared/node.
 */
import { z } from 'zod';

/** The prevHash of seq 1: nothing came before it. */
export const GENESIS_HASH = '0'.repeat(64);

/** Event format version; bump only with a new canonical form. */
export const EVENT_VERSION = 1;

/** Deepest nesting a payload may have, so a hostile batch cannot blow the stack. */
export const MAX_PAYLOAD_DEPTH = 32;

export const Sha256HexSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits');

/** Ed25519 signature (64 bytes) as unpadded, canonical base64url. */
export const SignatureSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{85}[AQgw]$/, 'expected a 64-byte signature in base64url');

/** Goes into MQTT topics, so no separators, wildcards or whitespace. */
export const LockerIdSchema = z
  .string()
  .regex(/^[^\s/+#]{1,128}$/, 'expected 1..128 characters without whitespace, "/", "+" or "#"');

/** Dotted lowercase name, e.g. `parcel.deposited`, `command.result`. */
export const EventTypeSchema = z
  .string()
  .max(100)
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'expected a dotted name like parcel.deposited');

/** ISO-8601 UTC with milliseconds, as `Date.prototype.toISOString` writes it. */
export const EventTimeSchema = z.iso.datetime({ precision: 3 });

/**
 * True for a value that survives JSON round-tripping unchanged: plain objects and arrays,
 * finite numbers, well-formed strings, booleans, null. Anything else would make the
 * canonical form (and so the hash) depend on how it was serialised.
 */
export function isJsonValue(value: unknown, depth = 0): boolean {
  if (value === null || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'string') return isWellFormed(value);
  if (typeof value !== 'object' || depth >= MAX_PAYLOAD_DEPTH) return false;
  if (Array.isArray(value)) return value.every((item) => isJsonValue(item, depth + 1));
  return isJsonObject(value, depth);
}

/** A plain JSON object (see {@link isJsonValue}). */
export function isJsonObject(value: unknown, depth = 0): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  if (Object.getOwnPropertySymbols(value).length > 0) return false;
  return Object.entries(value).every(
    // `__proto__` would be dropped or turned into a prototype by the next parser.
    ([key, item]) => key !== '__proto__' && isWellFormed(key) && isJsonValue(item, depth + 1),
  );
}

function isWellFormed(text: string): boolean {
  // No lone UTF-16 surrogates: RFC 8785 cannot encode them.
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

export const EventPayloadSchema = z.custom<Record<string, unknown>>(
  (value) => isJsonObject(value),
  `expected a plain JSON object (finite numbers, well-formed strings, depth ≤ ${MAX_PAYLOAD_DEPTH})`,
);

/** The signed part of an event. Strict: an unknown field is an error, never dropped. */
export const EventBodySchema = z.strictObject({
  v: z.literal(EVENT_VERSION),
  lockerId: LockerIdSchema,
  seq: z.number().int().min(1),
  type: EventTypeSchema,
  at: EventTimeSchema,
  payload: EventPayloadSchema,
  prevHash: Sha256HexSchema,
});

/** An event as stored and transmitted: the body, its SHA-256 and the device's signature. */
export const SignedEventSchema = z.strictObject({
  ...EventBodySchema.shape,
  hash: Sha256HexSchema,
  sig: SignatureSchema,
});

export type EventBody = z.infer<typeof EventBodySchema>;
export type SignedEvent = z.infer<typeof SignedEventSchema>;

/** The body fields, in one place, so the canonical form never picks up hash or sig. */
export const EVENT_BODY_KEYS = Object.keys(EventBodySchema.shape) as readonly (keyof EventBody)[];
