/**
 * First-start enrolment: the kiosk presents its one-time token, its device public key and its
 * code-digest key to the cloud's REST API, and gets the cloud's public key, where to connect and
 * its own broker identity (username = locker id, a password shown only then). Only over https
 * (plain http to loopback only); the answer is taken only if its cloud key is the one the token
 * pins and its broker URL is mqtts/wss (or plain to loopback). It is kept in a 0600 file in the
 * data dir (written atomically) and used on every start after that.
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
import {
  ENROLLMENT_TOKEN_FORM,
  ENROLLMENT_TOKEN_PATTERN,
  pinnedCloudKey,
} from '../../shared/enrollmentToken';
import { publicKeyToRaw } from '../../shared/node/ed25519';
import { cloudKeyFingerprint } from '../../shared/node/enrollmentToken';
import { err, ok, type Result } from '../../shared/result';
import { checkTransportUrl } from '../../shared/transportUrl';
import type { IdentityStore } from '../identity/identityStore';
import { backoffDelay, type BackoffPolicy } from './backoff';

const Raw32Schema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/, 'expected 32 bytes as unpadded base64url');

/** The body the kiosk POSTs to {apiUrl}/api/v1/lockers/{lockerId}/enroll. */
export const EnrollmentRequestSchema = z.strictObject({
  /** The one-time token; it pins the cloud key's SHA-256 (src/shared/enrollmentToken.ts). */
  token: z.string().regex(ENROLLMENT_TOKEN_PATTERN, `expected ${ENROLLMENT_TOKEN_FORM}`),
  /** The device's Ed25519 public key (raw 32 bytes, base64url): verifies its events. */
  devicePublicKey: Raw32Schema,
  /** The HMAC-SHA256 key for pickup-code digests (32 bytes, base64url). */
  codeDigestKey: Raw32Schema,
});
export type EnrollmentRequest = z.infer<typeof EnrollmentRequestSchema>;

/** The broker identity an enrolment issues: both or neither (accounts managed elsewhere). */
const BrokerLoginFields = {
  username: z.string().min(1).max(128).optional(),
  password: z.string().min(32).max(256).optional(),
};
const bothOrNeither = (m: { username?: string | undefined; password?: string | undefined }) =>
  (m.username === undefined) === (m.password === undefined);

/** What the cloud answers (unknown extra fields are ignored). */
export const EnrollmentResponseSchema = z.object({
  /** The cloud's Ed25519 public key (raw 32 bytes, base64url): verifies commands and badges. */
  cloudPublicKey: Raw32Schema,
  mqtt: z
    .object({
      url: z.string().regex(/^(mqtts?|wss?):\/\/\S+$/, 'expected an mqtt(s):// or ws(s):// URL'),
      topicPrefix: z.string().min(1).max(200),
      ...BrokerLoginFields,
    })
    .refine(bothOrNeither, 'a broker username and password come together'),
});
export type EnrollmentResponse = z.infer<typeof EnrollmentResponseSchema>;

const EnrollmentFileSchema = z.strictObject({
  format: z.literal('parcel-locker-enrollment'),
  version: z.literal(1),
  lockerId: z.string(),
  enrolledAt: z.iso.datetime({ precision: 3 }),
  cloudPublicKey: Raw32Schema,
  mqtt: z
    .strictObject({ url: z.string(), topicPrefix: z.string(), ...BrokerLoginFields })
    .refine(bothOrNeither, 'a broker username and password come together'),
});
export type Enrollment = z.infer<typeof EnrollmentFileSchema>;

export const ENROLLMENT_FILE = 'cloud-enrollment.json';

export type EnrollmentError =
  | { reason: 'bad_token'; message: string }
  | { reason: 'insecure_url'; message: string }
  | { reason: 'network'; message: string }
  | { reason: 'http'; status: number; message: string }
  | { reason: 'invalid_response'; message: string }
  | { reason: 'cloud_key_mismatch'; message: string };

export function describeEnrollmentError(e: EnrollmentError): string {
  switch (e.reason) {
    case 'bad_token':
      return `enrolment: the enrolment token is not usable (${e.message})`;
    case 'insecure_url':
      return `enrolment: refused an unencrypted URL (${e.message})`;
    case 'cloud_key_mismatch':
      return `enrolment: refused the answer, its cloud key is not the one the token pins (${e.message})`;
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
  const pin = pinnedCloudKey(o.token);
  if (!pin)
    return err({
      reason: 'bad_token',
      message: `expected ${ENROLLMENT_TOKEN_FORM}; a token without the cloud key's pin cannot be checked, ask the cloud for a new one`,
    });
  const api = checkTransportUrl(o.apiUrl, 'api');
  if (!api.ok) return err({ reason: 'insecure_url', message: api.error });
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
  return checkAnswer(parsed.data, pin, o.lockerId);
}

/**
 * The answer only if its key is the pinned one, its broker URL is encrypted (or loopback) and
 * carries no credentials, and any broker identity is this locker's own.
 */
function checkAnswer(
  answer: EnrollmentResponse,
  pin: string,
  lockerId: string,
): Result<EnrollmentResponse, EnrollmentError> {
  const got = cloudKeyFingerprint(answer.cloudPublicKey);
  if (got !== pin)
    return err({
      reason: 'cloud_key_mismatch',
      message: `the answer's cloud key has SHA-256 ${got}, the token pins ${pin}`,
    });
  const broker = checkTransportUrl(answer.mqtt.url, 'broker');
  if (!broker.ok) return err({ reason: 'insecure_url', message: broker.error });
  if (/^[a-z]+:\/\/[^/]*@/i.test(answer.mqtt.url))
    return err({ reason: 'invalid_response', message: 'mqtt.url: carries credentials' });
  if (answer.mqtt.username !== undefined && answer.mqtt.username !== lockerId)
    return err({
      reason: 'invalid_response',
      message: `mqtt.username: ${answer.mqtt.username} is not this locker's id`,
    });
  return ok(answer);
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
