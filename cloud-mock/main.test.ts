import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';

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
});
