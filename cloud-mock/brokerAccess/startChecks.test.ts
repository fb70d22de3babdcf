/**
 * A cloud on Mosquitto that cannot administer its accounts, or may not subscribe to what it
 * must, stops at start with a sentence saying so instead of running half blind.
 */
import { describe, expect, it } from 'vitest';
import { Mosquitto } from '../../src/shared/node/testSupport/mosquitto';
import { startTestCloud } from '../testSupport/cloudFixture';
import { dynsecBootstrap } from './dynsecRoles';
import { newBrokerPassword } from './passwordHash';

describe('a cloud on a Mosquitto it cannot use', () => {
  it('stops when the dynamic-security plugin does not answer', async () => {
    const mosquitto = await Mosquitto.start(); // no plugin loaded
    try {
      await expect(
        startTestCloud({ brokerUrl: mosquitto.url, brokerAccounts: 'mosquitto-dynsec' }),
      ).rejects.toThrow(/mosquitto-dynsec: no answer on \$CONTROL\/dynamic-security\/v1\/response/);
    } finally {
      await mosquitto.close();
    }
  });

  it('stops when the broker refuses its subscriptions, naming them', async () => {
    const login = { username: 'cloud-roleless', password: newBrokerPassword() };
    const config = dynsecBootstrap(login, 'locker/v1');
    config.roles[0]!.acls = []; // the account exists, its role grants nothing
    const mosquitto = await Mosquitto.start({ dynsec: config });
    try {
      await expect(
        startTestCloud({
          brokerUrl: mosquitto.url,
          brokerAccounts: 'mosquitto-dynsec',
          brokerCredentials: login,
        }),
      ).rejects.toThrow(/refused the cloud's subscription to locker\/v1\/\+\/events/);
    } finally {
      await mosquitto.close();
    }
  });
});
