/**
 * Test support: a real Mosquitto set up as docs/deployment-cloud.md says (dynamic-security
 * plugin with the cloud as its only client and admin, anonymous refused, client id = username,
 * optionally TLS), and the cloud options that run cloud-mock on it.
 */
import { DEFAULT_TOPIC_PREFIX } from '../../src/shared/protocol/topics';
import { Mosquitto, type MosquittoOptions } from '../../src/shared/node/testSupport/mosquitto';
import type { CloudOptions } from '../cloud';
import type { BrokerCredentials } from '../brokerAccess/cloudIdentity';
import { dynsecBootstrap } from '../brokerAccess/dynsecRoles';
import { newBrokerPassword } from '../brokerAccess/passwordHash';

export interface SecuredMosquitto {
  mosquitto: Mosquitto;
  /** The cloud's own account at this broker. */
  cloudLogin: BrokerCredentials;
  /** What startCloud needs to use this broker and administer its accounts. */
  cloudOptions: Pick<CloudOptions, 'brokerUrl' | 'brokerAccounts' | 'brokerCredentials'>;
}

export async function startSecuredMosquitto(
  o: { topicPrefix?: string; tls?: MosquittoOptions['tls'] } = {},
): Promise<SecuredMosquitto> {
  const cloudLogin = { username: 'cloud-test', password: newBrokerPassword() };
  const mosquitto = await Mosquitto.start({
    dynsec: dynsecBootstrap(cloudLogin, o.topicPrefix ?? DEFAULT_TOPIC_PREFIX),
    ...(o.tls ? { tls: o.tls } : {}),
  });
  return {
    mosquitto,
    cloudLogin,
    cloudOptions: {
      brokerUrl: mosquitto.url,
      brokerAccounts: 'mosquitto-dynsec',
      brokerCredentials: cloudLogin,
    },
  };
}
