import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API } from '../src/shared/rest/api';
import { buildOpenApi } from '../src/shared/rest/openapi';
import { startTestCloud, type TestCloud } from './testSupport/cloudFixture';
import { OPENAPI_FILE, REGENERATE } from './writeOpenApi';

describe('OpenAPI document', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = await startTestCloud();
  });
  afterAll(() => cloud.close());

  it('docs/openapi.json is current', () => {
    const stale = `docs/openapi.json is stale or missing; regenerate it with: ${REGENERATE}`;
    expect(existsSync(OPENAPI_FILE), stale).toBe(true);
    const onDisk = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as unknown;
    expect(onDisk, stale).toEqual(buildOpenApi());
  });

  it('is served at /openapi.json and describes every endpoint, with a 400 where it takes input', async () => {
    const r = await cloud.request<{
      openapi: string;
      paths: Record<
        string,
        Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>
      >;
    }>('GET', '/openapi.json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    expect(r.body).toEqual(buildOpenApi());
    for (const endpoint of Object.values(API)) {
      const path = endpoint.path.replace(/:([A-Za-z]+)/g, '{$1}');
      const op = r.body.paths[path]?.[endpoint.method.toLowerCase()];
      expect(op, `${endpoint.method} ${path}`).toBeDefined();
      const input = 'params' in endpoint || 'query' in endpoint || 'body' in endpoint;
      expect(Object.keys(op!.responses).includes('400'), `${endpoint.method} ${path}`).toBe(input);
      expect(op!.requestBody !== undefined).toBe('body' in endpoint);
    }
    const allocation = r.body.paths['/api/v1/allocations']!['post']!.requestBody as {
      content: { 'application/json': { schema: { required: string[] } } };
    };
    expect(allocation.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['lockerId', 'parcelId', 'dimensions', 'weightG', 'customer']),
    );
    const alerts = r.body.paths['/api/v1/lockers/{id}/alerts']!['get']!;
    expect(Object.keys(alerts.responses).sort()).toEqual(['200', '400', '401', '403', '404']);
  });
});
