/**
 * Each enrolment is a new broker identity, on the embedded aedes and on Mosquitto: enrolling
 * again ends the live session of the identity before it, that password is refused from then on,
 * and the new one works. A locker can never be given the cloud's own username.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnrollResponse } from '../../src/shared/rest/schemas';
import {
  loginOf,
  lockerRequest,
  provisionAndEnroll,
  startTestCloud,
  type TestCloud,
} from '../testSupport/cloudFixture';
import { DeviceChain, DeviceLink, type DeviceLogin } from '../testSupport/device';
import { startSecuredMosquitto, type SecuredMosquitto } from '../testSupport/securedMosquitto';
import { BROKER_IDENTITY_FILE } from './cloudIdentity';

/** Connects as the unit would; the broker's refusal as an Error. */
const tryLogin = (url: string, login: DeviceLogin) =>
  mqtt.connectAsync(url, {
    clientId: login.lockerId,
    username: login.username!,
    password: login.password!,
    reconnectPeriod: 0,
    connectTimeout: 5000,
  });

describe.each(['aedes', 'mosquitto'] as const)('re-enrolment on %s', (broker) => {
  let secured: SecuredMosquitto | null = null;
  let cloud: TestCloud;

  beforeAll(async () => {
    if (broker === 'mosquitto') secured = await startSecuredMosquitto();
    cloud = await startTestCloud(secured?.cloudOptions ?? {});
  });
  afterAll(async () => {
    await cloud.close();
    await secured?.mosquitto.close();
  });

  it('ends the old identity, live session included; the new password works', async () => {
    const locker = await provisionAndEnroll(cloud, 'RE-1', {}, 51);
    const first = await DeviceLink.connect(cloud.mqttUrl, locker.login, {
      cloudPublicKey: cloud.cloudPublicKey,
    });
    const ended = new Promise<void>((resolve) => first.client.once('close', () => resolve()));
    const chain = new DeviceChain('RE-1', locker.key, cloud.clock);
    await first.publishEvents(chain.filler(1));
    expect(await first.acks.next()).toBe(1);

    const again = await cloud.request<EnrollResponse>('POST', '/api/v1/lockers/RE-1/enroll', {
      token: locker.token,
      devicePublicKey: locker.devicePublicKey,
      codeDigestKey: locker.codeDigestKey.toString('base64url'),
    });
    expect(again.status).toBe(200);
    const renewed = loginOf('RE-1', again.body);
    expect(renewed.password).not.toBe(locker.login.password);
    await ended; // the broker closed the session of the identity it no longer has

    await expect(tryLogin(cloud.mqttUrl, locker.login)).rejects.toThrow(
      /bad user ?name or password|not authori[sz]ed/i,
    );
    const second = await DeviceLink.connect(cloud.mqttUrl, renewed, {
      cloudPublicKey: cloud.cloudPublicKey,
    });
    await second.publishEvents(chain.filler(1));
    expect(await second.acks.next()).toBe(2);
    await second.close();
    await first.close();
  });

  it("refuses to provision a locker under the cloud's own broker username", async () => {
    const username =
      secured?.cloudLogin.username ??
      (
        JSON.parse(readFileSync(join(cloud.dataDir, BROKER_IDENTITY_FILE), 'utf8')) as {
          username: string;
        }
      ).username;
    if (!secured) expect(username).toMatch(/^cloud-[A-Za-z0-9_-]{16}$/);
    const r = await cloud.request('POST', '/api/v1/lockers', lockerRequest(username));
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ error: 'locker_id_reserved' });
  });
});
