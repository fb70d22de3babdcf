/**
 * The broker URL units are told at enrolment: never the cloud's own credentials, never an
 * address nobody can connect to.
 */
import { describe, expect, it } from 'vitest';
import type { EnrollResponse } from '../../src/shared/rest/schemas';
import { provisionAndEnroll, startTestCloud } from '../testSupport/cloudFixture';
import { startSecuredMosquitto } from '../testSupport/securedMosquitto';

describe('the broker URL handed to units', () => {
  it('carries none of the credentials the cloud connects with', async () => {
    const secured = await startSecuredMosquitto();
    const { username, password } = secured.cloudLogin;
    const cloud = await startTestCloud({
      brokerUrl: `mqtt://${username}:${password}@127.0.0.1:${secured.mosquitto.port}`,
      brokerAccounts: 'mosquitto-dynsec',
    });
    try {
      expect(cloud.mqttUrl).toBe(secured.mosquitto.url);
      const locker = await provisionAndEnroll(cloud, 'ADV-1');
      const answer: EnrollResponse = locker.enrollment;
      expect(answer.mqtt.url).toBe(secured.mosquitto.url);
      expect(JSON.stringify(answer)).not.toContain(password);
      expect(JSON.stringify(cloud.logs.records)).not.toContain(password);
    } finally {
      await cloud.close();
      await secured.mosquitto.close();
    }
  });

  it('is the advertised one when given, and is required when the broker listens everywhere', async () => {
    await expect(startTestCloud({ host: '0.0.0.0' })).rejects.toThrow(/--advertise-mqtt/);
    await expect(startTestCloud({ host: '::' })).rejects.toThrow(/--advertise-mqtt/);
    await expect(startTestCloud({ advertisedMqttUrl: 'mqtt://0.0.0.0:1883' })).rejects.toThrow(
      /not an address units can connect to/,
    );
    const cloud = await startTestCloud({ advertisedMqttUrl: 'mqtts://lockers.example.org:8883' });
    try {
      expect(cloud.mqttUrl).toBe('mqtts://lockers.example.org:8883');
      const locker = await provisionAndEnroll(cloud, 'ADV-2');
      expect(locker.enrollment.mqtt.url).toBe('mqtts://lockers.example.org:8883');
    } finally {
      await cloud.close();
    }
  });
});
