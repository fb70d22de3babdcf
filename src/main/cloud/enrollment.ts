/**
 * First-start enrolment: the kiosk presents its one-time token, its device public key and its
 * code-digest key to the cloud's REST API, and gets the cloud's public key and where to
 * connect. The answer is kept in a 0600 file in the data dir (written atomically) and used on
 * every start after that.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { publicKeyToRaw } from '../../shared/node/ed25519';
import { err, ok, type Result } from '../../shared/result';
import type { IdentityStore } from '../identity/identityStore';
import { backoffDelay, type BackoffPolicy } from './backoff';

const Raw32Schema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/, 'expected 32 bytes as unpadded base64url');

/** The body the kiosk POSTs to {apiUrl}/api/v1/lockers/{lockerId}/enroll. */
export const EnrollmentRequestSchema = z.strictObject({
  token: z.string().min(1),
  /** The device's Ed25519 public key (raw 32 bytes, base64url): verifies its events. */
  devicePublicKey: Raw32Schema,
  /** The HMAC-SHA256 key for pickup-code digests (32 bytes, base64url). */
  codeDigestKey: Raw32Schema,
});
export type EnrollmentRequest = z.infer<typeof EnrollmentRequestSchema>;

/** What the cloud answers (unknown extra fields are ignored). */
export const EnrollmentResponseSchema = z.object({
  /** The cloud's Ed25519 public key (raw 32 bytes, base64url): verifies commands and badges. */
  cloudPublicKey: Raw32Schema,
  mqtt: z.object({
    url: z.string().regex(/^(mqtts?|wss?):\/\/\S+$/, 'expected an mqtt(s):// or ws(s):// URL'),
    topicPrefix: z.string().min(1).max(200),
  }),
});
export type EnrollmentResponse = z.infer<typeof EnrollmentResponseSchema>;

const EnrollmentFileSchema = z.strictObject({
  format: z.literal('parcel-locker-enrollment'),
  version: z.literal(1),
  lockerId: z.string(),
  enrolledAt: z.iso.datetime({ precision: 3 }),
  cloudPublicKey: Raw32Schema,
  mqtt: z.strictObject({ url: z.string(), topicPrefix: z.string() }),
});
export type Enrollment = z.infer<typeof EnrollmentFileSchema>;

export const ENROLLMENT_FILE = 'cloud-enrollment.json';

export type EnrollmentError =
  | { reason: 'network'; message: string }
  | { reason: 'http'; status: number; message: string }
  | { reason: 'invalid_response'; message: string };

export function describeEnrollmentError(e: EnrollmentError): string {
  switch (e.reason) {
    case 'network':
      return `enrolment: cannot reach the cloud API (${e.message})`;
    case 'http':
      return `enrolment: the cloud refused with HTTP ${e.status} (${e.message})`;
    case 'invalid_response':
      return `enrolment: the cloud's answer is not valid (${e.message})`;
  }
}

/** The stored enrolment, or null when there is none; throws on a damaged file. */
export function readEnrollment(dataDir: string): Enrollment | null {
  const file = join(dataDir, ENROLLMENT_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const parsed = EnrollmentFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(`enrolment file ${file} is damaged: ${parsed.error.issues[0]?.message}`);
  }
  return parsed.data;
}

/** Writes the enrolment atomically: 0600 temp file, fsync, rename, fsync of the directory. */
export function writeEnrollment(dataDir: string, enrollment: Enrollment): void {
  const file = join(dataDir, ENROLLMENT_FILE);
  const temp = `${file}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      fchmodSync(fd, 0o600);
      writeFileSync(fd, `${JSON.stringify(enrollment, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // never created
    }
    throw e;
  }
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

export interface EnrollOptions {
  apiUrl: string;
  lockerId: string;
  token: string;
  identity: IdentityStore;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** One enrolment request; every failure is a value with a reason. */
export async function requestEnrollment(
  o: EnrollOptions,
): Promise<Result<EnrollmentResponse, EnrollmentError>> {
  const url = `${o.apiUrl.replace(/\/+$/, '')}/api/v1/lockers/${encodeURIComponent(o.lockerId)}/enroll`;
  const body: EnrollmentRequest = {
    token: o.token,
    devicePublicKey: publicKeyToRaw(o.identity.deviceKey().publicKey),
    codeDigestKey: o.identity.codeDigestKey().toString('base64url'),
  };
  let response: Response;
  try {
    response = await (o.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(o.timeoutMs ?? 15_000),
    });
  } catch (e) {
    return err({ reason: 'network', message: (e as Error).message });
  }
  const text = await response.text().catch(() => '');
  if (!response.ok) {
    return err({ reason: 'http', status: response.status, message: text.slice(0, 200) });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return err({ reason: 'invalid_response', message: 'not JSON' });
  }
  const parsed = EnrollmentResponseSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return err({
      reason: 'invalid_response',
      message: `${issue?.path.join('.') || '(body)'}: ${issue?.message ?? 'invalid'}`,
    });
  }
  return ok(parsed.data);
}

export interface EnrollWithRetryOptions extends EnrollOptions {
  dataDir: string;
  log: Logger;
  now: () => number;
  backoff: BackoffPolicy;
  random?: () => number;
  signal: AbortSignal;
  /** Called with each failure, for the status bar. */
  onError: (e: EnrollmentError) => void;
}

/**
 * Enrols, retrying with backoff until it succeeds or `signal` aborts (then rejects), and
 * stores the result. Returns at once when an enrolment is already stored.
 */
export async function enrollWithRetry(o: EnrollWithRetryOptions): Promise<Enrollment> {
  const stored = readEnrollment(o.dataDir);
  if (stored) return stored;
  for (let attempt = 0; ; attempt++) {
    o.signal.throwIfAborted();
    const result = await requestEnrollment(o);
    if (result.ok) {
      const enrollment: Enrollment = {
        format: 'parcel-locker-enrollment',
        version: 1,
        lockerId: o.lockerId,
        enrolledAt: new Date(o.now()).toISOString(),
        cloudPublicKey: result.value.cloudPublicKey,
        mqtt: result.value.mqtt,
      };
      writeEnrollment(o.dataDir, enrollment);
      o.log.info({ broker: enrollment.mqtt.url }, 'enrolled with the cloud');
      return enrollment;
    }
    o.onError(result.error);
    const delay = backoffDelay(attempt, o.backoff, o.random);
    o.log.warn({ delay, error: result.error }, describeEnrollmentError(result.error));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, delay);
      o.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(o.signal.reason as Error);
        },
        { once: true },
      );
    });
  }
}
