/**
 * The recipe of docs/deployment-cloud.md for Mosquitto, as an operator follows it: write the
 * dynamic-security file from the cloud's data dir, start Mosquitto on it, start the cloud with
 * a plain --broker URL (its account from the data dir): units enrol and are heard.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Mosquitto } from '../../src/shared/node/testSupport/mosquitto';
import { provisionAndEnroll, startTestCloud } from '../testSupport/cloudFixture';
import { DeviceChain, DeviceLink } from '../testSupport/device';
import { BROKER_IDENTITY_FILE } from './cloudIdentity';

describe('writeDynsecConfig', () => {
  it("bootstraps Mosquitto with the cloud's own account from its data dir, and nothing else", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynsec-init-'));
    const dataDir = join(dir, 'cloud');
    const out = join(dir, 'dynamic-security.json');
    const cli = ['--import', 'tsx', 'cloud-mock/brokerAccess/writeDynsecConfig.ts'];
    const printed = execFileSync(process.execPath, [...cli, '--data-dir', dataDir, '--out', out], {
      encoding: 'utf8',
    });
    const identity = JSON.parse(readFileSync(join(dataDir, BROKER_IDENTITY_FILE), 'utf8')) as {
      username: string;
      password: string;
    };
    expect(statSync(join(dataDir, BROKER_IDENTITY_FILE)).mode & 0o777).toBe(0o600);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(printed).toContain(identity.username);
    expect(printed).not.toContain(identity.password);
    const file = readFileSync(out, 'utf8');
    expect(file).not.toContain(identity.password);
    const config = JSON.parse(file) as { clients: { username: string }[] };
    expect(config.clients.map((c) => c.username)).toEqual([identity.username]);
    // Never over an existing file.
    expect(() =>
      execFileSync(process.execPath, [...cli, '--data-dir', dataDir, '--out', out], {
        stdio: 'pipe',
      }),
    ).toThrow(/EEXIST/);

    const mosquitto = await Mosquitto.start({ dynsec: config });
    const cloud = await startTestCloud({
      dataDir,
      brokerUrl: mosquitto.url,
      brokerAccounts: 'mosquitto-dynsec',
    });
    try {
      const locker = await provisionAndEnroll(cloud, 'INIT-1');
      const link = await DeviceLink.connect(cloud.mqttUrl, locker.login, {
        cloudPublicKey: cloud.cloudPublicKey,
      });
      await link.publishEvents(new DeviceChain('INIT-1', locker.key).filler(2));
      expect(await link.acks.next()).toBe(2);
      await link.close();
    } finally {
      await cloud.close();
      await mosquitto.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
