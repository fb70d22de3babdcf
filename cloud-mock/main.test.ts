import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { startSecuredMosquitto } from './testSupport/securedMosquitto';

describe('npm run cloud', () => {
  it('prints CLOUD_HTTP and CLOUD_MQTT when ready, serves the dashboard, stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cloud-main-'));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'cloud-mock/main.ts',
        '--http-port',
        '0',
        '--mqtt-port',
        '0',
        '--data-dir',
        dataDir,
        '--no-scheduler',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    try {
      const urls: Record<string, string> = {};
      for await (const line of createInterface({ input: child.stdout })) {
        const m = /^(CLOUD_HTTP|CLOUD_MQTT)=(.+)$/.exec(line);
        if (m) urls[m[1]!] = m[2]!;
        if (urls['CLOUD_HTTP'] && urls['CLOUD_MQTT']) break;
      }
      expect(urls['CLOUD_MQTT']).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
      const page = await fetch(`${urls['CLOUD_HTTP']}/`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<h1>Parcel lockers</h1>');
      expect(html).toContain('Notification inbox');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('takes its own broker account from --broker but never prints, logs or advertises it', async () => {
    const secured = await startSecuredMosquitto();
    const dataDir = mkdtempSync(join(tmpdir(), 'cloud-main-'));
    const { username, password } = secured.cloudLogin;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'cloud-mock/main.ts',
        '--http-port',
        '0',
        '--broker',
        `mqtt://${username}:${encodeURIComponent(password)}@127.0.0.1:${secured.mosquitto.port}`,
        '--broker-accounts',
        'mosquitto-dynsec',
        '--data-dir',
        dataDir,
        '--no-scheduler',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'debug' } },
    );
    let printed = '';
    child.stdout.on('data', (c: Buffer) => (printed += c.toString()));
    child.stderr.on('data', (c: Buffer) => (printed += c.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    try {
      while (!/CLOUD_MQTT=\S+/.test(printed)) {
        if (child.exitCode !== null) throw new Error(`cloud-mock exited: ${printed}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(/^CLOUD_MQTT=(\S+)$/m.exec(printed)![1]).toBe(secured.mosquitto.url);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // Connected with the account (it started), yet not a trace of the password anywhere.
      expect(printed).toContain('cloud-mock ready');
      expect(printed).not.toContain(password);
      expect(printed).not.toContain(encodeURIComponent(password));
      expect(printed).not.toMatch(/mqtt:\/\/[^\s"]*@/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      await secured.mosquitto.close();
    }
  });

  it('refuses --host 0.0.0.0 without --advertise-mqtt, saying why', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'cloud-mock/main.ts', '--host', '0.0.0.0', '--data-dir', '/nonexistent'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/--host 0\.0\.0\.0 .*--advertise-mqtt/);
  });
});
