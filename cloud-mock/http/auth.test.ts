import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, type Endpoint, type EndpointName } from '../../src/shared/rest/api';
import { API_KEY_PATTERN, API_ROLES } from '../../src/shared/rest/apiKeys';
import { revokeKey } from '../services/apiKeys';
import { openDatabase } from '../store/database';
import {
  mintKey,
  provisionAndEnroll,
  startTestCloud,
  type TestCloud,
} from '../testSupport/cloudFixture';
import { requireDeclaredAccess } from './auth';

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startTestCloud();
  await provisionAndEnroll(cloud, 'AUTH-1');
});
afterAll(() => cloud.close());

/** A concrete URL for each route: a real locker, made-up ids elsewhere (404 is fine here). */
const urlOf = (e: Endpoint) =>
  e.path
    .replace(':alertId', '1')
    .replace(
      ':id',
      e.tag === 'allocations' || e.tag === 'webhooks'
        ? '00000000-0000-4000-8000-000000000000'
        : 'AUTH-1',
    ) +
  // A stream that passed the key check would never end: a bad resume point answers 400 instead.
  (e.stream ? '?after=-1' : '');

const call = (e: Endpoint, as: Parameters<TestCloud['inject']>[1]) =>
  cloud.inject(
    { method: e.method, url: urlOf(e), ...(e.method === 'GET' ? {} : { payload: {} }) },
    as,
  );

const entries = Object.entries(API) as [EndpointName, Endpoint][];
const keyed = entries.filter(([, e]) => e.access !== 'enrollment_token');

const count = (table: string) => {
  const db = new Database(join(cloud.dataDir, 'cloud.sqlite'), { readonly: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('REST authentication: every route of the endpoint table', () => {
  it('keeps enrolment keyless and keys every other route', () => {
    expect(entries.filter(([, e]) => e.access === 'enrollment_token').map(([n]) => n)).toEqual([
      'enrollLocker',
    ]);
    // The operator may do everything.
    for (const [name, e] of keyed) expect(e.access, name).toContain('operator');
  });

  for (const [name, endpoint] of keyed) {
    const access = endpoint.access as readonly string[];
    it(`${name}: no key 401, a wrong role 403, its own roles pass`, async () => {
      const none = await call(endpoint, 'anonymous');
      expect(none.statusCode).toBe(401);
      expect(none.headers['www-authenticate']).toMatch(/^Bearer /);
      expect(none.json()).toMatchObject({ error: 'unauthorized' });
      for (const role of API_ROLES) {
        const r = await call(endpoint, role);
        if (access.includes(role)) {
          expect([401, 403], `${role} on ${name}: ${r.body}`).not.toContain(r.statusCode);
        } else {
          expect(r.statusCode, `${role} on ${name}`).toBe(403);
          expect(r.json()).toMatchObject({ error: 'forbidden' });
        }
      }
    });
  }

  it('enrollLocker needs no key: the one-time token in the body decides', async () => {
    const r = await call(API.enrollLocker, 'anonymous');
    expect(r.statusCode).toBe(400);
  });

  it('refuses an unknown key, a revoked key, a malformed header and another scheme with 401', async () => {
    const key = mintKey(cloud.dataDir, 'operator', 'soon revoked');
    expect((await cloud.request('GET', '/api/v1/notifications', undefined, { key })).status).toBe(
      200,
    );
    const id = API_KEY_PATTERN.exec(key)![1]!;
    const db = openDatabase(join(cloud.dataDir, 'cloud.sqlite'));
    expect(revokeKey(db, id, Date.now()).ok).toBe(true);
    db.close();
    const revoked = await cloud.inject({ method: 'GET', url: '/api/v1/notifications' }, { key });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.headers['www-authenticate']).toContain('error="invalid_token"');

    // Same id, another secret: the hash decides, not the id.
    const live = cloud.keys.operator;
    const forged = live.slice(0, -4) + (live.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    for (const authorization of [
      `Bearer ${forged}`,
      'Bearer plk_000000000000_' + 'A'.repeat(43),
      `Basic ${Buffer.from(`x:${live}`).toString('base64')}`,
      `Bearer ${live} extra`,
      'Bearer',
    ]) {
      const r = await cloud.inject(
        { method: 'GET', url: '/api/v1/lockers', headers: { authorization } },
        'anonymous',
      );
      expect(r.statusCode, authorization).toBe(401);
    }
    const reasons = cloud.logs.records
      .filter((r) => r.msg === 'request refused: no valid API key')
      .map((r) => r['reason']);
    expect(reasons).toEqual(expect.arrayContaining(['revoked', 'unknown_key', 'malformed']));
  });

  it('answers an unknown path 404 only to a key holder', async () => {
    expect((await cloud.request('GET', '/api/v1/nothing', undefined, 'anonymous')).status).toBe(
      401,
    );
    expect((await cloud.request('GET', '/api/v1/nothing', undefined, 'merchant')).status).toBe(404);
  });

  it('serves the page shell, its assets and the OpenAPI document without a key', async () => {
    for (const url of ['/', '/dashboard.js', '/dashboard.css', '/openapi.json'])
      expect((await cloud.inject({ method: 'GET', url }, 'anonymous')).statusCode, url).toBe(200);
    expect(
      (await cloud.request('GET', '/dev/simulator/state', undefined, 'anonymous')).status,
    ).toBe(401);
    expect(
      (await cloud.request('POST', '/dev/simulator/scan', { text: 'x' }, 'dashboard')).status,
    ).toBe(403);
  });

  it('refuses to register a route that does not say who may call it', async () => {
    const app = Fastify();
    requireDeclaredAccess(app);
    expect(() => app.get('/open', async () => 'anyone')).toThrow(/declares no access/);
    await app.close();
  });
});

describe('what each role may not do', () => {
  it('a merchant key cannot read the inbox, mint badges or open doors, and changes nothing', async () => {
    const [badges, commands] = [count('badges'), count('commands')];
    const inbox = await cloud.request('GET', '/api/v1/notifications', undefined, 'merchant');
    expect(inbox).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    const badge = await cloud.request(
      'POST',
      '/api/v1/badges',
      { role: 'staff', subject: 'mallory', validDays: 365 },
      'merchant',
    );
    expect(badge.status).toBe(403);
    const open = await cloud.request(
      'POST',
      '/api/v1/lockers/AUTH-1/open',
      { compartmentId: 'A1', reason: 'let me in' },
      'merchant',
    );
    expect(open.status).toBe(403);
    expect([count('badges'), count('commands')]).toEqual([badges, commands]);
    // The same calls with the operator's key do what they say.
    expect(
      (
        await cloud.request('POST', '/api/v1/lockers/AUTH-1/open', {
          compartmentId: 'A1',
          reason: 'stuck parcel',
        })
      ).status,
    ).toBe(202);
    expect(count('commands')).toBe(commands + 1);
  });

  it('a dashboard key reads but cannot write anything, nor read the inbox', async () => {
    for (const [name, e] of keyed.filter(([, e]) => e.method !== 'GET'))
      expect((await call(e, 'dashboard')).statusCode, name).toBe(403);
    expect(
      (await cloud.request('GET', '/api/v1/notifications', undefined, 'dashboard')).status,
    ).toBe(403);
    const detail = await cloud.request('GET', '/api/v1/lockers/AUTH-1', undefined, 'dashboard');
    expect(detail.status).toBe(200);
  });
});

describe('the OpenAPI document', () => {
  it('declares the bearer scheme and, per operation, exactly the roles the server checks', async () => {
    interface Doc {
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
      paths: Record<
        string,
        Record<string, { security: Record<string, string[]>[]; responses: object }>
      >;
    }
    const doc = (await cloud.request<Doc>('GET', '/openapi.json', undefined, 'anonymous')).body;
    expect(doc.components.securitySchemes['apiKey']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    for (const [name, e] of entries) {
      const op = doc.paths[e.path.replace(/:([A-Za-z]+)/g, '{$1}')]![e.method.toLowerCase()]!;
      if (e.access === 'enrollment_token') {
        expect(op.security, name).toEqual([]);
        continue;
      }
      const roles = op.security.map((requirement) => requirement['apiKey']![0]);
      expect(roles.sort(), name).toEqual([...e.access].sort());
      expect(Object.keys(op.responses), name).toEqual(expect.arrayContaining(['401', '403']));
    }
  });
});
