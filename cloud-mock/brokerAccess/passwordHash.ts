/**
 * Broker passwords: 192 random bits, shown once; kept only as a salted scrypt hash whose
 * parameters travel with it (`scrypt$N$r$p$salt$hash`), checked in constant time.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const MAX_MEM = 64 * 1024 * 1024;

/** A new broker password: 24 random bytes (192 bits) as base64url. */
export function newBrokerPassword(random: (size: number) => Buffer = randomBytes): string {
  return random(24).toString('base64url');
}

const derive = (password: string, salt: Buffer, o: ScryptOptions, bytes: number) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, bytes, { ...o, maxmem: MAX_MEM }, (e, key) =>
      e ? reject(e) : resolve(key),
    ),
  );

export async function hashBrokerPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N, r: R, p: P }, KEY_BYTES);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when `password` is the one `hash` was made from; false for any malformed hash. */
export async function verifyBrokerPassword(password: string, hash: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = hash.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  // A shorter stored key would compare only a prefix.
  if (expected.length !== KEY_BYTES) return false;
  let got: Buffer;
  try {
    got = await derive(
      password,
      Buffer.from(salt, 'base64url'),
      { N: Number(n), r: Number(r), p: Number(p) },
      KEY_BYTES,
    );
  } catch {
    return false; // parameters scrypt refuses
  }
  return timingSafeEqual(got, expected);
}

/** Spends what a real check would, so an unknown username answers no faster than a known one. */
export async function verifyNobody(password: string): Promise<false> {
  await derive(password, Buffer.alloc(16), { N, r: R, p: P }, KEY_BYTES);
  return false;
}
