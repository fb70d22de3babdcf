/**
 * Test support: the brokers the attacker suite runs against, each set up as
 * docs/deployment-cloud.md says: the embedded aedes, Mosquitto with the dynamic-security plugin
 * (the cloud issues identities at enrolment), and Mosquitto with a password file and ACL
 * `pattern` lines (identities given by the operator; the cloud's accounts `managed-elsewhere`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mosquitto } from '../../src/shared/node/testSupport/mosquitto';
import { newBrokerPassword } from '../brokerAccess/passwordHash';
import type { CloudOptions } from '../cloud';
import { cloudAccountIn } from './brokerLogins';
import type { EnrolledLocker, TestCloud } from './cloudFixture';
import type { DeviceLogin } from './device';
import { startSecuredMosquitto } from './securedMosquitto';

export const BROKER_SETUPS = ['aedes', 'mosquitto dynsec', 'mosquitto password file'] as const;
export type BrokerSetupKind = (typeof BROKER_SETUPS)[number];

export interface BrokerSetup {
  cloudOptions: Partial<CloudOptions>;
  /** The cloud's broker username (its client id). */
  cloudUsername(cloud: TestCloud): string;
  /** How a locker logs in: its enrolment's identity, or the one its operator gave it. */
  loginOf(locker: EnrolledLocker): DeviceLogin;
  close(): Promise<void>;
}

const MOSQUITTO_PASSWD = process.env.MOSQUITTO_PASSWD_BIN ?? 'mosquitto_passwd';

/** The ACL file of docs/deployment-cloud.md: the cloud's lines, then one pattern per locker topic. */
export function aclFileText(cloudUsername: string, prefix = 'locker/v1'): string {
  return [
    `user ${cloudUsername}`,
    `topic write ${prefix}/+/commands`,
    `topic write ${prefix}/+/acks`,
    `topic read ${prefix}/+/events`,
    `topic read ${prefix}/+/state`,
    `topic read ${prefix}/+/presence`,
    '',
    `pattern write ${prefix}/%u/events`,
    `pattern write ${prefix}/%u/state`,
    `pattern write ${prefix}/%u/presence`,
    `pattern read ${prefix}/%u/commands`,
    `pattern read ${prefix}/%u/acks`,
    '',
  ].join('\n');
}

/** `lockerIds`: the lockers an operator gives identities to (password-file setup only). */
export async function startBrokerSetup(
  kind: BrokerSetupKind,
  lockerIds: string[],
): Promise<BrokerSetup> {
  if (kind === 'aedes')
    return {
      cloudOptions: {},
      cloudUsername: (cloud) => cloudAccountIn(cloud.dataDir).username,
      loginOf: (locker) => locker.login,
      close: async () => {},
    };
  if (kind === 'mosquitto dynsec') {
    const secured = await startSecuredMosquitto();
    return {
      cloudOptions: secured.cloudOptions,
      cloudUsername: () => secured.cloudLogin.username,
      loginOf: (locker) => locker.login,
      close: () => secured.mosquitto.close(),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'mosquitto-accounts-'));
  const cloudLogin = { username: 'cloud-test', password: newBrokerPassword() };
  const passwords = new Map(lockerIds.map((id) => [id, newBrokerPassword()]));
  const passwordFile = join(dir, 'passwords');
  writeFileSync(passwordFile, '', { mode: 0o600 });
  for (const [user, password] of [[cloudLogin.username, cloudLogin.password], ...passwords])
    execFileSync(MOSQUITTO_PASSWD, ['-b', passwordFile, user!, password!]);
  const aclFile = join(dir, 'acl');
  writeFileSync(aclFile, aclFileText(cloudLogin.username));
  const mosquitto = await Mosquitto.start({ passwordFile, aclFile });
  return {
    cloudOptions: {
      brokerUrl: mosquitto.url,
      brokerAccounts: 'managed-elsewhere',
      brokerCredentials: cloudLogin,
    },
    cloudUsername: () => cloudLogin.username,
    loginOf: (locker) => ({
      lockerId: locker.lockerId,
      username: locker.lockerId,
      password: passwords.get(locker.lockerId)!,
    }),
    close: async () => {
      await mosquitto.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
