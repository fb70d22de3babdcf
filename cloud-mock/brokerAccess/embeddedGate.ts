/**
 * The embedded broker's gate, over the cloud's store: a CONNECT is admitted only with a known
 * username, its current password and the username as client id; each publish and subscribe is
 * then held to topicRules. Every refusal is logged with its reason, never with a password.
 */
import type { Logger } from 'pino';
import { err, ok, type Result } from '../../src/shared/result';
import { getBrokerAccount } from '../store/brokerAccounts';
import type { Db } from '../store/database';
import { verifyBrokerPassword, verifyNobody } from './passwordHash';
import { mayPublish, maySubscribe, type BrokerIdentity } from './topicRules';

/** MQTT 3.1.1 CONNACK codes: 2 identifier rejected, 4 bad username or password, 5 not authorized. */
export interface Refused {
  code: 2 | 4 | 5;
  reason: string;
}

export interface BrokerGate {
  admit(
    clientId: string,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<Result<BrokerIdentity, Refused>>;
  mayPublish(who: BrokerIdentity, clientId: string, topic: string): boolean;
  maySubscribe(who: BrokerIdentity, clientId: string, filter: string): boolean;
}

export function embeddedGate(db: Db, topicPrefix: string, log: Logger): BrokerGate {
  const refuse = (clientId: string, username: string | undefined, r: Refused) => {
    log.warn({ clientId, username, reason: r.reason }, 'broker refused a connection');
    return err(r);
  };
  return {
    async admit(clientId, username, password) {
      if (username === undefined || password === undefined)
        return refuse(clientId, username, { code: 5, reason: 'no username and password' });
      const given = password.toString('utf8');
      const account = getBrokerAccount(db, username);
      if (!account) {
        await verifyNobody(given);
        return refuse(clientId, username, { code: 4, reason: 'unknown username' });
      }
      if (!(await verifyBrokerPassword(given, account.passwordHash)))
        return refuse(clientId, username, { code: 4, reason: 'wrong password' });
      // A re-enrolment while the hash was being checked ends this identity: look again.
      if (getBrokerAccount(db, username)?.passwordHash !== account.passwordHash)
        return refuse(clientId, username, { code: 4, reason: 'password replaced meanwhile' });
      if (clientId !== username)
        return refuse(clientId, username, {
          code: 2,
          reason: 'the client id must be the username (no one takes another client id)',
        });
      return ok(
        account.kind === 'cloud'
          ? { kind: 'cloud' }
          : { kind: 'locker', lockerId: account.lockerId! },
      );
    },
    mayPublish(who, clientId, topic) {
      const allowed = mayPublish(topicPrefix, who, topic);
      if (!allowed) log.warn({ clientId, topic }, 'broker refused a publish');
      return allowed;
    },
    maySubscribe(who, clientId, filter) {
      const allowed = maySubscribe(topicPrefix, who, filter);
      if (!allowed) log.warn({ clientId, filter }, 'broker refused a subscription');
      return allowed;
    },
  };
}
