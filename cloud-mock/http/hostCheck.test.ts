import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../testSupport/cloudFixture';

/** A real HTTP request to the cloud's socket with whatever Host header a browser would send. */
function get(
  cloud: TestCloud,
  path: string,
  host: string | null,
  key?: string,
): Promise<{ status: number; body: string }> {
  const { port } = new URL(cloud.httpUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        setHost: host !== null,
        headers: {
          ...(host === null ? {} : { host }),
          ...(key ? { authorization: `Bearer ${key}` } : {}),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('Host check', () => {
  let cloud: TestCloud;
  let port: string;
  beforeAll(async () => {
    cloud = await startTestCloud({ publicHosts: ['cloud.example.org', 'lan.example:9000'] });
    port = new URL(cloud.httpUrl).port;
  });
  afterAll(() => cloud.close());

  it('refuses a rebinding-style Host with 421 before any route runs, key or not', async () => {
    // The attacker's page at rebind.attacker.example, its name now resolving to 127.0.0.1.
    for (const path of ['/', '/openapi.json', '/api/v1/notifications']) {
      const r = await get(cloud, path, `rebind.attacker.example:${port}`, cloud.keys.operator);
      expect(r.status, path).toBe(421);
      expect(JSON.parse(r.body)).toMatchObject({ error: 'bad_host' });
    }
    const refused = cloud.logs.records.filter(
      (r) => r.msg === 'request refused: its Host is not one this cloud serves',
    );
    expect(refused.map((r) => r['host'])).toContain(`rebind.attacker.example:${port}`);
  });

  it('refuses a served name on another port, a public name on the wrong port, and no Host', async () => {
    for (const host of [
      'localhost',
      `localhost:${Number(port) + 1}`,
      `127.0.0.2:${port}`,
      'lan.example',
      'lan.example:9001',
      `cloud.example.org.attacker.example:${port}`,
    ])
      expect((await get(cloud, '/', host)).status, host).toBe(421);
    // Without a Host, Node's HTTP server refuses an HTTP/1.1 request itself (400).
    expect([400, 421]).toContain((await get(cloud, '/', null)).status);
  });

  it('accepts the listen address, loopback names and the public hosts', async () => {
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LOCALHOST:${port}`,
      `[::1]:${port}`,
      'cloud.example.org',
      `cloud.example.org:${port}`,
      'lan.example:9000',
    ]) {
      expect((await get(cloud, '/', host)).status, host).toBe(200);
      const api = await get(cloud, '/api/v1/lockers', host, cloud.keys.dashboard);
      expect(api.status, host).toBe(200);
    }
  });
});
