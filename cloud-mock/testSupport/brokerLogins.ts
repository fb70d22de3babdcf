/**
 * Test support: who an attacker (or a witness) connects to the broker as, for the real
 * mosquitto clients: the cloud's own broker account as anyone who read its data dir has it (a
 * compromised broker password, but not the signing key), or a locker's enrolment identity (a
 * stolen broker password, but not the device key). Client id = username, as the brokers demand.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { targetOf, type BrokerTarget } from '../../src/shared/node/testSupport/mosquittoClients';
import { BROKER_IDENTITY_FILE, type BrokerCredentials } from '../brokerAccess/cloudIdentity';
import type { DeviceLogin } from './device';

/** The cloud's broker account from `broker-identity.json` in its data dir. */
export function cloudAccountIn(dataDir: string): BrokerCredentials {
  const { username, password } = JSON.parse(
    readFileSync(join(dataDir, BROKER_IDENTITY_FILE), 'utf8'),
  ) as BrokerCredentials;
  return { username, password };
}

/** Connects with this account under its own client id, keeping the owner's session. */
export function asAccount(url: string, account: BrokerCredentials): BrokerTarget {
  return targetOf(url, {
    clientId: account.username,
    username: account.username,
    password: account.password,
    persistent: true,
  });
}

/** Connects as the locker with the identity its enrolment issued. */
export function asLocker(url: string, login: DeviceLogin): BrokerTarget {
  if (login.username === undefined || login.password === undefined)
    throw new Error(`${login.lockerId} has no broker password to steal`);
  return asAccount(url, { username: login.username, password: login.password });
}

/** Nobody: no username, no password (the brokers refuse it). */
export function asStranger(url: string): BrokerTarget {
  return targetOf(url);
}
