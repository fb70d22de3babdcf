/**
 * The operator key `npm start` uses on its own cloud: made with cloud-mock's keys CLI the first
 * time (printed once as `OPERATOR_KEY=…`), kept 0600 in the dev data dir, and made anew only
 * when the cloud no longer accepts the kept one (a fresh cloud data dir, a revoked key).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { API_KEY_PATTERN } from '../../shared/rest/apiKeys';
import { CloudClient } from './cloudClient';

export interface OperatorKeyOptions {
  /** Where the key is kept, e.g. `.data/operator-key`. */
  file: string;
  /** The cloud's data dir, where the CLI records the key's hash. */
  cloudDataDir: string;
  httpUrl: string;
  /** Prints a line for the person who ran `npm start` (stdout). */
  out(line: string): void;
}

function kept(file: string): string | null {
  if (!existsSync(file)) return null;
  chmodSync(file, 0o600); // a copied or restored file may have come back readable by all
  const key = readFileSync(file, 'utf8').trim();
  return API_KEY_PATTERN.test(key) ? key : null;
}

function create(options: OperatorKeyOptions): string {
  const cli = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'cloud-mock/main.ts',
      'keys',
      'create',
      '--role',
      'operator',
      '--label',
      'npm start (dev system)',
      '--data-dir',
      options.cloudDataDir,
    ],
    { encoding: 'utf8' },
  );
  const key = /^API_KEY=(\S+)$/m.exec(cli.stdout ?? '')?.[1];
  if (cli.status !== 0 || !key)
    throw new Error(`could not make an operator key: ${cli.stderr || cli.error?.message}`);
  writeFileSync(options.file, `${key}\n`, { mode: 0o600 });
  chmodSync(options.file, 0o600);
  options.out(`OPERATOR_KEY=${key}`);
  options.out(
    `# the operator key (shown this once) is kept in ${options.file}, mode 0600; ` +
      'npm start uses it from there',
  );
  return key;
}

export async function operatorKey(options: OperatorKeyOptions): Promise<string> {
  const key = kept(options.file);
  if (key && (await new CloudClient(options.httpUrl, key).keyAccepted())) return key;
  return create(options);
}
