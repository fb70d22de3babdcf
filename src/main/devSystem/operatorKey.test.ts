import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY_PATTERN } from '../../shared/rest/apiKeys';
import { CloudClient } from './cloudClient';
import { startCloudProcess, type CloudProcess } from './cloudProcess';
import { operatorKey } from './operatorKey';

describe('npm start provisions its own operator key', () => {
  let root: string;
  let cloud: CloudProcess;
  const file = () => join(root, 'operator-key');
  const printed: string[] = [];
  const options = () => ({
    file: file(),
    cloudDataDir: join(root, 'cloud'),
    httpUrl: cloud.httpUrl,
    out: (line: string) => printed.push(line),
  });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'dev-key-'));
    cloud = await startCloudProcess({ httpPort: 0, mqttPort: 0, dataDir: join(root, 'cloud') });
  });
  afterAll(async () => {
    await cloud.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('makes one on the first start, prints it once, keeps it 0600, and reuses it after', async () => {
    const first = await operatorKey(options());
    expect(first).toMatch(API_KEY_PATTERN);
    expect(printed).toEqual([
      `OPERATOR_KEY=${first}`,
      expect.stringContaining(`kept in ${file()}, mode 0600`),
    ]);
    expect(statSync(file()).mode & 0o777).toBe(0o600);
    expect(readFileSync(file(), 'utf8').trim()).toBe(first);
    // The cloud takes it for what an operator does: badges, the inbox.
    const client = new CloudClient(cloud.httpUrl, first);
    expect((await client.badge({ role: 'courier', subject: 'c-1', validDays: 1 })).token).toMatch(
      /^LKB1\./,
    );
    expect((await client.notifications({})).notifications).toEqual([]);

    printed.length = 0;
    chmodSync(file(), 0o644);
    expect(await operatorKey(options())).toBe(first);
    expect(printed).toEqual([]);
    expect(statSync(file()).mode & 0o777).toBe(0o600);
  });

  it('makes a new one when the cloud no longer takes the kept key', async () => {
    const kept = readFileSync(file(), 'utf8').trim();
    const id = API_KEY_PATTERN.exec(kept)![1]!;
    const revoke = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'cloud-mock/main.ts',
        'keys',
        'revoke',
        id,
        '--data-dir',
        join(root, 'cloud'),
      ],
      { encoding: 'utf8' },
    );
    expect(revoke.status, revoke.stderr).toBe(0);
    expect(await new CloudClient(cloud.httpUrl, kept).keyAccepted()).toBe(false);

    printed.length = 0;
    const fresh = await operatorKey(options());
    expect(fresh).not.toBe(kept);
    expect(printed[0]).toBe(`OPERATOR_KEY=${fresh}`);
    expect(await new CloudClient(cloud.httpUrl, fresh).keyAccepted()).toBe(true);
  });
});
