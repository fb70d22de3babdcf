/**
 * The cloud's Ed25519 signing key (commands, badges): a 0600 file in the data dir, created on
 * first start; an existing file that others can read is tightened and reported.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { privateKeyFromRaw, privateKeyToRaw } from '../src/shared/node/ed25519';

export const SIGNING_KEY_FILE = 'cloud-signing-key.json';

const KeyFileSchema = z.strictObject({ v: z.literal(1), privateKey: z.string() });

export interface CloudKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function loadOrCreateSigningKey(dataDir: string, log: Logger): CloudKeys {
  const file = join(dataDir, SIGNING_KEY_FILE);
  let text: string | null = null;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (text === null) {
    const { privateKey } = generateKeyPairSync('ed25519');
    // 'wx': never overwrite a key another process wrote in the meantime.
    writeFileSync(file, JSON.stringify({ v: 1, privateKey: privateKeyToRaw(privateKey) }) + '\n', {
      mode: 0o600,
      flag: 'wx',
    });
    log.info({ file }, 'cloud signing key created');
    return { privateKey, publicKey: createPublicKey(privateKey) };
  }
  const mode = statSync(file).mode & 0o777;
  if (mode !== 0o600) {
    chmodSync(file, 0o600);
    log.warn(
      { file, mode: mode.toString(8) },
      'cloud signing key was readable by others; now 0600',
    );
  }
  const parsed = KeyFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not a cloud signing key file`);
  const privateKey = privateKeyFromRaw(parsed.data.privateKey);
  return { privateKey, publicKey: createPublicKey(privateKey) };
}
