import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allocationRequest,
  provisionAndEnroll,
  startTestCloud,
  type TestCloud,
} from '../testSupport/cloudFixture';

// Reproduces issue 10's "open REST": anyone who reaches the port, with no key at all.
describe('REST without a key (issue 10 reproduction)', () => {
  let cloud: TestCloud;
  beforeAll(async () => {
    cloud = await startTestCloud();
    const l = await provisionAndEnroll(cloud, 'OPEN-1');
    await cloud.request('POST', '/api/v1/allocations', allocationRequest(l.lockerId, 'P-OPEN'));
  });
  afterAll(() => cloud.close());

  // Right Host, no key: someone on the network who found the port.
  const anonymous = (method: 'GET' | 'POST', url: string, payload?: object) =>
    cloud.inject({ method, url, ...(payload ? { payload } : {}) }, 'anonymous');

  it('does not read the notification inbox', async () => {
    expect((await anonymous('GET', '/api/v1/notifications')).statusCode).toBe(401);
  });
  it('does not mint a staff badge', async () => {
    const r = await anonymous('POST', '/api/v1/badges', {
      role: 'staff',
      subject: 'mallory',
      validDays: 365,
    });
    expect(r.statusCode).toBe(401);
  });
  it('does not open a door', async () => {
    const r = await anonymous('POST', '/api/v1/lockers/OPEN-1/open', {
      compartmentId: 'A1',
      reason: 'let me in',
    });
    expect(r.statusCode).toBe(401);
  });
  it('refuses a rebinding Host', async () => {
    const r = await cloud.http.inject({
      method: 'GET',
      url: '/api/v1/lockers',
      headers: { host: `rebind.attacker.example:${new URL(cloud.httpUrl).port}` },
    });
    expect(r.statusCode).toBe(421);
  });
});
