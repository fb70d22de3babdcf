import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY_PATTERN } from '../src/shared/rest/apiKeys';
import { runKeysCli } from './keysCli';
import { startTestCloud, type TestCloud } from './testSupport/cloudFixture';

/** `npm run cloud -- keys …` as a person types it, in its own process. */
function keys(...args: string[]) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'cloud-mock/main.ts', 'keys', ...args],
    {
      encoding: 'utf8',
    },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function inProcess(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = runKeysCli(argv, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    now: () => Date.now(),
    randomBytes: (n) => randomBytes(n),
  });
  return { status, out, err: err.join('\n') };
}

describe('npm run cloud -- keys', () => {
  let cloud: TestCloud;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cloud-keys-'));
    cloud = await startTestCloud({ dataDir });
  });
  afterAll(async () => {
    await cloud.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a key a running cloud accepts at once, lists it, and revokes it', async () => {
    const created = keys(
      'create',
      '--role',
      'merchant',
      '--label',
      'Shop #1',
      '--data-dir',
      dataDir,
    );
    expect(created.status, created.stderr).toBe(0);
    const key = /^API_KEY=(\S+)$/m.exec(created.stdout)![1]!;
    const id = API_KEY_PATTERN.exec(key)![1]!;
    expect(created.stderr).toContain(`created merchant key ${id}`);
    expect(created.stderr).not.toContain(key);

    const search = await cloud.request('GET', '/api/v1/lockers', undefined, { key });
    expect(search.status).toBe(200);
    const inbox = await cloud.request('GET', '/api/v1/notifications', undefined, { key });
    expect(inbox.status).toBe(403);

    const listed = keys('list', '--data-dir', dataDir);
    expect(listed.status).toBe(0);
    const row = listed.stdout.split('\n').find((l) => l.startsWith(id))!;
    expect(row.split('\t')).toEqual([id, 'merchant', expect.any(String), '-', 'Shop #1']);
    // The list shows who holds which key, never a key.
    expect(listed.stdout).not.toContain('plk_');

    const revoked = keys('revoke', id, '--data-dir', dataDir);
    expect(revoked.status).toBe(0);
    expect((await cloud.request('GET', '/api/v1/lockers', undefined, { key })).status).toBe(401);
    expect(keys('list', '--data-dir', dataDir).stdout).toMatch(
      new RegExp(`^${id}\\tmerchant\\t\\S+\\t\\d{4}-\\d\\d-\\d\\dT\\S+\\tShop #1$`, 'm'),
    );
  });

  it('names each mistake and exits 2, or 1 for a key or data dir that is not there', () => {
    const cases: [string[], number, RegExp][] = [
      [[], 2, /which keys command/],
      [['create', '--label', 'x'], 2, /--role must be/],
      [['create', '--role', 'admin', '--label', 'x'], 2, /--role must be/],
      [['create', '--role', 'operator'], 2, /--label/],
      [['create', '--role', 'operator', '--label', 'a\u0007b'], 2, /control characters/],
      [['create', '--role', 'operator', '--label', 'x', '--colour', 'red'], 2, /Unknown option/],
      [['revoke', 'nope', '--data-dir', dataDir], 2, /12 hex digits/],
      [['revoke', '0123456789ab', '--data-dir', dataDir], 1, /no key 0123456789ab/],
      [['list', '--data-dir', join(dataDir, 'missing')], 1, /no cloud data/],
      [['rotate'], 2, /unknown keys command rotate/],
    ];
    for (const [argv, status, message] of cases) {
      const r = inProcess(argv);
      expect(r.status, argv.join(' ')).toBe(status);
      expect(r.err, argv.join(' ')).toMatch(message);
      expect(r.out).toEqual([]);
    }
  });
});
