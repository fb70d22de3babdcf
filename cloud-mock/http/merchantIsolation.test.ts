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
});
