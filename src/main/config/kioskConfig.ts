/**
 * The kiosk's one configuration file: its schema, and a loader that names every bad field.
 * Everything a locker installation differs in lives here; nothing else is read from disk.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { SIZES } from '../../shared/domain';
import { err, ok, type Result } from '../../shared/result';
import { checkTransportUrl, type TransportKind } from '../../shared/transportUrl';

const positiveMm = z.number().int().positive().max(5000);
const hexId = z
  .union([z.number().int().min(0).max(0xffff), z.string().regex(/^0x[0-9a-fA-F]{1,4}$/)])
  .transform((v) => (typeof v === 'number' ? v : Number.parseInt(v, 16)));

export const compartmentConfigSchema = z.object({
  id: z
    .string()
    .regex(/^[A-Z][0-9]{1,2}$/, 'compartment ids look like "A1": a column letter and a row number'),
  board: z.number().int().min(0).max(15),
  lock: z.number().int().min(1).max(24),
  size: z.enum(SIZES),
  inner: z.object({ lengthMm: positiveMm, widthMm: positiveMm, heightMm: positiveMm }),
  maxWeightG: z.number().int().positive().max(100_000),
  lowerDoor: z.boolean(),
});

const serialSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('simulator') }),
  z.object({
    kind: z.literal('serial'),
    path: z.string().min(1),
    protocol: z.enum(['kerong-cu16', 'lcb24']),
    baudRate: z.number().int().positive().optional(),
    lockedBitValue: z.union([z.literal(0), z.literal(1)]).default(1),
    pollIntervalMs: z.number().int().min(50).max(10_000).default(250),
    /** The RS-485 adapter echoes what the kiosk sends (true), or surely not (false); omit if unknown. */
    echo: z.boolean().optional(),
  }),
]);

const scannerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('simulator') }),
  z.object({
    kind: z.literal('hid'),
    vendorId: hexId,
    productId: hexId,
    mode: z.enum(['hid-pos', 'keyboard', 'auto']).default('auto'),
  }),
  z.object({ kind: z.literal('none') }),
]);

/** A URL the kiosk may use for `kind`: encrypted, or plain only on loopback (transportUrl.ts). */
const transportUrl = (kind: TransportKind) =>
  z.string().superRefine((url, ctx) => {
    const checked = checkTransportUrl(url, kind);
    if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.error });
  });

const cloudSchema = z
  .object({
    /** Where the cloud link connects; "embedded" means cloud-mock in this process tree. */
    brokerUrl: z.literal('embedded').or(transportUrl('broker')),
    topicPrefix: z.string().min(1).default('locker/v1'),
    /** The cloud's Ed25519 public key (raw 32 bytes, base64url) for commands and badges. */
    publicKey: z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/)
      .optional(),
    enrollmentToken: z.string().min(1).optional(),
    /** The cloud's REST API base URL, for enrolment (POST {apiUrl}/api/v1/lockers/{id}/enroll). */
    apiUrl: transportUrl('api').optional(),
    tls: z
      .object({
        caFile: z.string(),
        certFile: z.string().optional(),
        keyFile: z.string().optional(),
      })
      .optional(),
    /**
     * The broker identity of a unit set up without enrolment (publicKey + brokerUrl here): its
     * username, and a file holding its password. Enrolment's identity takes their place.
     */
    brokerUsername: z.string().min(1).max(128).optional(),
    brokerPasswordFile: z.string().min(1).optional(),
    publishesPerSecond: z.number().int().min(1).max(1000).default(100),
  })
  .refine((c) => (c.brokerUsername === undefined) === (c.brokerPasswordFile === undefined), {
    message: 'brokerUsername and brokerPasswordFile go together',
    path: ['brokerPasswordFile'],
  });

const policySchema = z.object({
  holdDays: z.number().int().min(1).max(30).default(3),
  reservationTimeoutSec: z.number().int().min(10).max(3600).default(120),
  codeLength: z.number().int().min(6).max(10).default(8),
  /** The keypad throttle (core/codeThrottle.ts). The cap is a customer's longest wait. */
  codeThrottle: z
    .object({
      freeAttempts: z.number().int().min(1).max(20).default(5),
      forgiveEverySec: z.number().int().min(10).max(3600).default(120),
      firstDelaySec: z.number().int().min(1).max(120).default(15),
      maxDelaySec: z.number().int().min(1).max(120).default(120),
    })
    .prefault({}),
  eventRetentionDays: z.number().int().min(1).max(3650).default(30),
  /** Below this much free space on the data dir's disk, deposits are refused (kept for pickups). */
  storageReserveMb: z.number().int().min(1).max(100_000).default(64),
  /** A forward clock jump beyond this holds parcel expiry until the cloud's time confirms it. */
  maxClockStepSec: z
    .number()
    .int()
    .min(60)
    .max(366 * 86_400)
    .default(3600),
  /** Door operations (DESIGN §3): how long to wait for facts before concluding. */
  doors: z
    .object({
      /** Between a pulse with no usable answer and the one retry: solenoids overheat. */
      solenoidCooldownMs: z.number().int().min(100).max(60_000).default(2_000),
      /** A pulsed door not sensed open within this is jammed (door.jammed). */
      openDetectSec: z.number().int().min(2).max(300).default(10),
      /** A door left open (or a "doesn't fit" left unconfirmed) this long goes to inspection. */
      openBackstopSec: z.number().int().min(60).max(86_400).default(900),
    })
    .prefault({}),
});

export const kioskConfigSchema = z.object({
  lockerId: z.string().regex(/^[a-z0-9][a-z0-9-]{2,62}$/, 'lowercase letters, digits and dashes'),
  compartments: z.array(compartmentConfigSchema).min(1).max(200),
  serial: serialSchema,
  scanner: scannerSchema,
  cloud: cloudSchema,
  policy: policySchema.prefault({}),
  dataDir: z.string().min(1),
});

export type KioskConfig = z.infer<typeof kioskConfigSchema>;
export type CompartmentConfig = z.infer<typeof compartmentConfigSchema>;
export type PolicyConfig = KioskConfig['policy'];

export interface ConfigError {
  file: string;
  /** One line per bad field: `compartments[3].size: Invalid option …`. */
  problems: string[];
}

/** Validate an already-parsed config; relative dataDir resolves against `baseDir`. */
export function parseKioskConfig(
  raw: unknown,
  file: string,
  baseDir = '.',
): Result<KioskConfig, ConfigError> {
  const parsed = kioskConfigSchema.safeParse(raw);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`)),
    ...duplicateCompartments(raw),
  ];
  if (!parsed.success || problems.length > 0) return err({ file, problems });
  return ok({ ...parsed.data, dataDir: resolve(baseDir, parsed.data.dataDir) });
}

export function loadKioskConfig(file: string): Result<KioskConfig, ConfigError> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return err({ file, problems: [`cannot read the file: ${(e as Error).message}`] });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return err({ file, problems: [`not valid JSON: ${(e as Error).message}`] });
  }
  // A relative dataDir is taken from the working directory, as a CLI user expects.
  return parseKioskConfig(raw, file, process.cwd());
}

export function formatConfigError(error: ConfigError): string {
  return [
    `Bad kiosk configuration in ${error.file}:`,
    ...error.problems.map((p) => `  - ${p}`),
  ].join('\n');
}

/**
 * Two compartments with one id or on one lock; checked even when other fields are bad. Only
 * values of the right kind take part: any other kind the schema has already reported.
 */
function duplicateCompartments(raw: unknown): string[] {
  const list = (raw as { compartments?: unknown } | null)?.compartments;
  if (!Array.isArray(list)) return [];
  const problems: string[] = [];
  const ids = new Set<string>();
  const locks = new Set<string>();
  list.forEach((c: { id?: unknown; board?: unknown; lock?: unknown } | null, i) => {
    if (c === null || typeof c !== 'object') return;
    if (typeof c.id === 'string') {
      if (ids.has(c.id)) problems.push(`compartments[${i}].id: duplicate compartment id ${c.id}`);
      ids.add(c.id);
    }
    if (typeof c.board !== 'number' || typeof c.lock !== 'number') return;
    const lock = `${c.board}/${c.lock}`;
    if (locks.has(lock))
      problems.push(`compartments[${i}].lock: board ${c.board} lock ${c.lock} is already used`);
    locks.add(lock);
  });
  return problems;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(file)';
  return path
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}
