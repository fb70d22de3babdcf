/**
 * The cloud's own broker identity: a username (`cloud-<key prefix>`, which is also its client
 * id) and a generated password, in a 0600 file in the data dir created on first start. An
 * external broker is told about it by its operator (docs/deployment-cloud.md), unless the
 * `--broker` URL carries other credentials.
 */
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { newBrokerPassword } from './passwordHash';

export const BROKER_IDENTITY_FILE = 'broker-identity.json';

export interface BrokerCredentials {
  username: string;
  password: string;
}

const IdentityFileSchema = z.strictObject({
  v: z.literal(1),
  username: z.string().min(1),
  password: z.string().min(22),
});

export function loadOrCreateCloudIdentity(
  dataDir: string,
  username: string,
  log: Logger,
): BrokerCredentials {
  const file = join(dataDir, BROKER_IDENTITY_FILE);
  let text: string | null = null;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (text === null) {
    const identity = { username, password: newBrokerPassword() };
    // 'wx': never overwrite an identity another process wrote in the meantime.
    writeFileSync(file, `${JSON.stringify({ v: 1, ...identity })}\n`, { mode: 0o600, flag: 'wx' });
    log.info({ file, username }, 'cloud broker identity created');
    return identity;
  }
  const mode = statSync(file).mode & 0o777;
  if (mode !== 0o600) {
    chmodSync(file, 0o600);
    log.warn(
      { file, mode: mode.toString(8) },
      'cloud broker identity was readable by others; now 0600',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  const parsed = IdentityFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file} is not a cloud broker identity file`);
  return { username: parsed.data.username, password: parsed.data.password };
}
