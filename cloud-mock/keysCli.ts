/**
 * `npm run cloud -- keys create|list|revoke`: makes, lists and revokes the REST API's keys in
 * a cloud's data dir (a running cloud sees the change on its next request). A new key is
 * printed once, as `API_KEY=<key>` on stdout; the store keeps only its hash.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ApiRoleSchema } from '../src/shared/rest/apiKeys';
import { apiKeys, mintApiKey, revokeKey, type ApiKeyRecord } from './services/apiKeys';
import { openDatabase, type Db } from './store/database';

export const KEYS_USAGE = `usage: npm run cloud -- keys create --role ROLE --label TEXT [--data-dir DIR]
       npm run cloud -- keys list [--data-dir DIR]
       npm run cloud -- keys revoke ID [--data-dir DIR]
  ROLE is merchant (allocations, returns, search), operator (everything) or dashboard
  (read-only, never the notification inbox). --data-dir defaults to .data/cloud.`;

export interface KeysIo {
  out(line: string): void;
  err(line: string): void;
  now(): number;
  randomBytes(size: number): Buffer;
}

const LabelSchema = z
  .string()
  .trim()
  .min(1, 'give the key a --label saying who holds it')
  .max(100)
  .regex(/^[^\p{Cc}]*$/u, 'no control characters');
const IdSchema = z.string().regex(/^[0-9a-f]{12}$/, 'a key id is 12 hex digits (see keys list)');

type Parsed =
  | { command: 'create'; role: ApiKeyRecord['role']; label: string; dataDir: string }
  | { command: 'list'; dataDir: string }
  | { command: 'revoke'; id: string; dataDir: string };

function parse(
  argv: readonly string[],
): { ok: true; value: Parsed } | { ok: false; error: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        role: { type: 'string' },
        label: { type: 'string' },
        'data-dir': { type: 'string', default: '.data/cloud' },
      },
    });
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  const dataDir = values['data-dir'];
  const extra = (allowed: string[]) =>
    Object.keys(values).filter((k) => k !== 'data-dir' && !allowed.includes(k));
  if (command === 'create') {
    if (rest.length > 0 || extra(['role', 'label']).length > 0)
      return { ok: false, error: 'keys create takes --role and --label only' };
    const role = ApiRoleSchema.safeParse(values.role);
    if (!role.success)
      return { ok: false, error: '--role must be merchant, operator or dashboard' };
    const label = LabelSchema.safeParse(values.label ?? '');
    if (!label.success) return { ok: false, error: `--label: ${label.error.issues[0]!.message}` };
    return { ok: true, value: { command, role: role.data, label: label.data, dataDir } };
  }
  if (command === 'list') {
    if (rest.length > 0 || extra([]).length > 0)
      return { ok: false, error: 'keys list takes no arguments' };
    return { ok: true, value: { command, dataDir } };
  }
  if (command === 'revoke') {
    if (rest.length !== 1 || extra([]).length > 0)
      return { ok: false, error: 'keys revoke takes one key id' };
    const id = IdSchema.safeParse(rest[0]);
    if (!id.success) return { ok: false, error: id.error.issues[0]!.message };
    return { ok: true, value: { command, id: id.data, dataDir } };
  }
  return { ok: false, error: command ? `unknown keys command ${command}` : 'which keys command?' };
}

const when = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

/** Runs one keys command; the exit code: 0 done, 1 refused (no such key or data), 2 usage. */
export function runKeysCli(argv: readonly string[], io: KeysIo): number {
  const parsed = parse(argv);
  if (!parsed.ok) {
    io.err(`cloud-mock keys: ${parsed.error}\n${KEYS_USAGE}`);
    return 2;
  }
  const command = parsed.value;
  const file = join(command.dataDir, 'cloud.sqlite');
  if (command.command !== 'create' && !existsSync(file)) {
    io.err(`cloud-mock keys: no cloud data in ${command.dataDir} (is --data-dir right?)`);
    return 1;
  }
  // A key made before the cloud's first start lives in the store that start will open.
  mkdirSync(command.dataDir, { recursive: true, mode: 0o700 });
  const db: Db = openDatabase(file);
  try {
    switch (command.command) {
      case 'create': {
        const minted = mintApiKey(db, command, io.now(), io.randomBytes);
        io.out(`API_KEY=${minted.key}`);
        io.err(
          `created ${command.role} key ${minted.record.id} ("${command.label}"); it is shown ` +
            'only now: keep it secret, revoke it with keys revoke ' +
            minted.record.id,
        );
        return 0;
      }
      case 'list': {
        io.out(['id', 'role', 'created', 'revoked', 'label'].join('\t'));
        for (const k of apiKeys(db))
          io.out([k.id, k.role, when(k.createdAt), when(k.revokedAt), k.label].join('\t'));
        return 0;
      }
      case 'revoke': {
        const revoked = revokeKey(db, command.id, io.now());
        if (!revoked.ok) {
          io.err(`cloud-mock keys: no key ${command.id} (see keys list)`);
          return 1;
        }
        io.out(`revoked ${revoked.value.id} at ${when(revoked.value.revokedAt)}`);
        return 0;
      }
    }
  } finally {
    db.close();
  }
}
