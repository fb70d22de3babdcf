import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedCloudKey } from '../../src/shared/enrollmentToken';
import { publicKeyFromRaw, publicKeyToRaw } from '../../src/shared/node/ed25519';
import { cloudKeyFingerprint } from '../../src/shared/node/enrollmentToken';
import type { EnrollResponse, ProvisionLockerResponse } from '../../src/shared/rest/schemas';
import { deviceIdentity } from '../testSupport/device';
import { lockerRequest, startTestCloud, type TestCloud } from '../testSupport/cloudFixture';

let cloud: TestCloud;
beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud.close());

async function provision(id: string): Promise<string> {
  const r = await cloud.request<ProvisionLockerResponse>(
    'POST',
    '/api/v1/lockers',
    lockerRequest(id),
  );
  expect(r.status).toBe(201);
  expect(r.body.lockerId).toBe(id);
  return r.body.enrollmentToken;
}

const enrollBody = (token: string, seed: number, codeKeyByte = 1) => ({
  token,
  devicePublicKey: deviceIdentity('x', seed).devicePublicKey,
  codeDigestKey: Buffer.alloc(32, codeKeyByte).toString('base64url'),
});

describe('provisioning and enrolment', () => {
  it('hands out a random token per locker and refuses a second locker with the same id', async () => {
    const a = await provision('ENR-1');
    const b = await provision('ENR-2');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^LKE1\.[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{43}$/);
    const again = await cloud.request('POST', '/api/v1/lockers', lockerRequest('ENR-1'));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: 'locker_exists' });
  });

  it('enrols with the token: cloud key, broker URL and topic prefix come back', async () => {
    const token = await provision('ENR-3');
    const r = await cloud.request<EnrollResponse>(
      'POST',
      '/api/v1/lockers/ENR-3/enroll',
      enrollBody(token, 3),
    );
    expect(r.status).toBe(200);
    expect(r.body.lockerId).toBe('ENR-3');
    expect(r.body.cloudPublicKey).toBe(publicKeyToRaw(cloud.cloudPublicKey));
    expect(() => publicKeyFromRaw(r.body.cloudPublicKey)).not.toThrow();
    expect(r.body.mqtt).toEqual({
      url: cloud.mqttUrl,
      topicPrefix: 'locker/v1',
      // A broker identity of its own: username = locker id, 192 random bits of password.
      username: 'ENR-3',
      password: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
    });
    // The token pins the key the answer carries, so the unit can tell it from an impostor's.
    expect(pinnedCloudKey(token)).toBe(cloudKeyFingerprint(r.body.cloudPublicKey));
    const detail = await cloud.request<{ enrolled: boolean }>('GET', '/api/v1/lockers/ENR-3');
    expect(detail.body.enrolled).toBe(true);
  });

  it('answers again with the same keys (a fresh broker password each time), and the used token is refused for other keys', async () => {
    const token = await provision('ENR-4');
    const first = await cloud.request<EnrollResponse>(
      'POST',
      '/api/v1/lockers/ENR-4/enroll',
      enrollBody(token, 4),
    );
    const second = await cloud.request<EnrollResponse>(
      'POST',
      '/api/v1/lockers/ENR-4/enroll',
      enrollBody(token, 4),
    );
    expect(second.status).toBe(200);
    const { password: firstPassword, ...firstMqtt } = first.body.mqtt;
    const { password: secondPassword, ...secondMqtt } = second.body.mqtt;
    expect({ ...second.body, mqtt: secondMqtt }).toEqual({ ...first.body, mqtt: firstMqtt });
    expect(secondPassword).not.toBe(firstPassword);
    const otherDevice = await cloud.request(
      'POST',
      '/api/v1/lockers/ENR-4/enroll',
      enrollBody(token, 5),
    );
    expect(otherDevice.status).toBe(403);
    expect(otherDevice.body).toMatchObject({ error: 'enrollment_refused' });
    const otherCodeKey = await cloud.request(
      'POST',
      '/api/v1/lockers/ENR-4/enroll',
      enrollBody(token, 4, 9),
    );
    expect(otherCodeKey.status).toBe(403);
  });

  it('refuses a wrong token without enrolling, and 404s an unknown locker', async () => {
    const token = await provision('ENR-5');
    // The right shape, one character of the secret changed; or the pin changed.
    const secretChanged = token.slice(0, 5) + (token[5] === 'A' ? 'B' : 'A') + token.slice(6);
    const pinChanged = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    for (const other of [secretChanged, pinChanged]) {
      const wrong = await cloud.request(
        'POST',
        '/api/v1/lockers/ENR-5/enroll',
        enrollBody(other, 6),
      );
      expect(wrong.status).toBe(403);
    }
    const unpinned = await cloud.request(
      'POST',
      '/api/v1/lockers/ENR-5/enroll',
      enrollBody(token.split('.')[1]!, 6),
    );
    expect(unpinned.status).toBe(400);
    const detail = await cloud.request<{ enrolled: boolean }>('GET', '/api/v1/lockers/ENR-5');
    expect(detail.body.enrolled).toBe(false);
    // The right token still works afterwards: a wrong guess does not burn it.
    const right = await cloud.request('POST', '/api/v1/lockers/ENR-5/enroll', enrollBody(token, 6));
    expect(right.status).toBe(200);
    const unknown = await cloud.request(
      'POST',
      '/api/v1/lockers/NOPE/enroll',
      enrollBody(token, 6),
    );
    expect(unknown.status).toBe(404);
  });
});
