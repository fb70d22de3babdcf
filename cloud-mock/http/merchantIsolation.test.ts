import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllocationResponse } from '../../src/shared/rest/schemas';
import {
  allocationRequest,
  mintKey,
  provisionAndEnroll,
  startTestCloud,
  type Caller,
  type TestCloud,
} from '../testSupport/cloudFixture';

let cloud: TestCloud;
let merchantB: Caller;

beforeAll(async () => {
  cloud = await startTestCloud();
  merchantB = { key: mintKey(cloud.dataDir, 'merchant', 'merchant B') };
  await provisionAndEnroll(cloud, 'ISO-1');
});
afterAll(() => cloud.close());

describe('a merchant acts on its own allocations only', () => {
  it("answers another merchant's cancel, extend and resend as if the allocation did not exist, and changes nothing", async () => {
    const mine = (
      await cloud.request<AllocationResponse>(
        'POST',
        '/api/v1/allocations',
        allocationRequest('ISO-1', 'I-1'),
        'merchant',
      )
    ).body;
    for (const [path, body] of [
      ['cancel', undefined],
      ['extend', { days: 1 }],
      ['resend-code', undefined],
    ] as const) {
      const r = await cloud.request(
        'POST',
        `/api/v1/allocations/${mine.allocationId}/${path}`,
        body,
        merchantB,
      );
      expect(r, path).toMatchObject({ status: 404, body: { error: 'not_found' } });
    }
    const detail = await cloud.request<{ parcels: { parcelId: string; state: string }[] }>(
      'GET',
      '/api/v1/lockers/ISO-1',
    );
    expect(detail.body.parcels.find((p) => p.parcelId === 'I-1')!.state).toBe('expected');
    // Its own merchant, and the operator, still may.
    const own = await cloud.request(
      'POST',
      `/api/v1/allocations/${mine.allocationId}/cancel`,
      undefined,
      'merchant',
    );
    expect(own.status).toBe(200);
  });

  it("answers another merchant's read of an allocation, and read or cancel of a return, as if it did not exist", async () => {
    const mine = (
      await cloud.request<AllocationResponse>(
        'POST',
        '/api/v1/allocations',
        allocationRequest('ISO-1', 'I-2'),
        'merchant',
      )
    ).body;
    const created = await cloud.request<{ returnId: string }>(
      'POST',
      '/api/v1/returns',
      { lockerId: 'ISO-1', size: 'M', customer: { name: 'Ada', email: 'ada@example.org' } },
      'merchant',
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const ret = created.body;
    for (const [method, path] of [
      ['GET', `/api/v1/allocations/${mine.allocationId}`],
      ['GET', `/api/v1/returns/${ret.returnId}`],
      ['POST', `/api/v1/returns/${ret.returnId}/cancel`],
    ] as const) {
      const r = await cloud.request(method, path, undefined, merchantB);
      expect(r, path).toMatchObject({ status: 404, body: { error: 'not_found' } });
    }
    const own = await cloud.request<{ state: string }>(
      'GET',
      `/api/v1/returns/${ret.returnId}`,
      undefined,
      'merchant',
    );
    expect(own).toMatchObject({ status: 200, body: { state: 'expected' } });
    expect((await cloud.request('GET', `/api/v1/allocations/${mine.allocationId}`)).status).toBe(
      200,
    );
  });
});
