/**
 * Writes Mosquitto's starting dynamic-security file for this cloud: its own account (from
 * `broker-identity.json` in the data dir, created if missing) as the only client, with the
 * cloud's role, and everything else denied (docs/deployment-cloud.md):
 *
 *   npx tsx cloud-mock/brokerAccess/writeDynsecConfig.ts --data-dir DIR --out FILE [--topic-prefix P]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino, type Logger } from 'pino';
import { publicKeyToRaw } from '../../src/shared/node/ed25519';
import { DEFAULT_TOPIC_PREFIX } from '../../src/shared/protocol/topics';
import { loadOrCreateSigningKey } from '../signingKey';
import { loadOrCreateCloudIdentity } from './cloudIdentity';
import { dynsecBootstrap } from './dynsecRoles';

/** Writes the file (0600, never over an existing one); the cloud's broker username. */
export function writeDynsecConfig(
  o: { dataDir: string; out: string; topicPrefix?: string },
  log: Logger,
): string {
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  const { publicKey } = loadOrCreateSigningKey(o.dataDir, log);
  // The name startCloud gives itself on first start (cloud.ts).
  const identity = loadOrCreateCloudIdentity(
    o.dataDir,
    `cloud-${publicKeyToRaw(publicKey).slice(0, 16)}`,
    log,
  );
  const config = dynsecBootstrap(identity, o.topicPrefix ?? DEFAULT_TOPIC_PREFIX);
  writeFileSync(o.out, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return identity.username;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string', default: '.data/cloud' },
      out: { type: 'string' },
      'topic-prefix': { type: 'string' },
    },
  });
  if (!values.out) {
    process.stderr.write(
      'usage: writeDynsecConfig.ts --data-dir DIR --out FILE [--topic-prefix P]\n',
    );
    process.exit(2);
  }
  const username = writeDynsecConfig(
    {
      dataDir: values['data-dir'],
      out: values.out,
      ...(values['topic-prefix'] ? { topicPrefix: values['topic-prefix'] } : {}),
    },
    pino({ level: 'warn' }, pino.destination(2)),
  );
  process.stdout.write(`wrote ${values.out}: the cloud's broker account is ${username}\n`);
}
