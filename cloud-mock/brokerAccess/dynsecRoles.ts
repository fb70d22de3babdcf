/**
 * topicRules as Mosquitto dynamic-security roles: the ACLs of a locker's role and the cloud's,
 * the commands that (re)create a locker's identity, and the plugin's starting file with the
 * cloud as its only client (docs/deployment-cloud.md).
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import type { BrokerCredentials } from './cloudIdentity';
import { DYNSEC_RESPONSE_TOPIC, DYNSEC_TOPIC, type DynsecCommand } from './dynsecAdmin';
import { cloudGrants, lockerGrants, type TopicGrants } from './topicRules';

export interface DynsecAcl {
  acltype: 'publishClientSend' | 'publishClientReceive' | 'subscribeLiteral';
  topic: string;
  allow: true;
}

/** The cloud's role; a locker's is `locker:<id>`. */
export const CLOUD_ROLE = 'parcel-cloud';
export const lockerRole = (lockerId: string) => `locker:${lockerId}`;

/** Everything not granted is refused: publishing, subscribing and receiving. */
export const DENY_BY_DEFAULT = {
  publishClientSend: false,
  publishClientReceive: false,
  subscribe: false,
  unsubscribe: true,
};

function acls(grants: TopicGrants): DynsecAcl[] {
  return [
    ...grants.publish.map((topic) => ({
      acltype: 'publishClientSend' as const,
      topic,
      allow: true as const,
    })),
    ...grants.subscribe.flatMap((topic) => [
      { acltype: 'subscribeLiteral' as const, topic, allow: true as const },
      { acltype: 'publishClientReceive' as const, topic, allow: true as const },
    ]),
  ];
}

export function lockerAcls(prefix: string, lockerId: string): DynsecAcl[] {
  return acls(lockerGrants(prefix, lockerId));
}

/** The cloud's data topics, plus the dynamic-security API it administers lockers through. */
export function cloudAcls(prefix: string): DynsecAcl[] {
  const data = cloudGrants(prefix);
  return acls({
    publish: [...data.publish, DYNSEC_TOPIC],
    subscribe: [...data.subscribe, DYNSEC_RESPONSE_TOPIC],
  });
}

/**
 * The commands that give a locker exactly this password and its own role: the old client goes
 * first (which also ends its sessions at the broker), and its role is rebuilt from topicRules.
 */
export function replaceLockerCommands(
  prefix: string,
  lockerId: string,
  password: string,
  replacing: boolean,
): DynsecCommand[] {
  const rolename = lockerRole(lockerId);
  return [
    ...(replacing ? [{ command: 'deleteClient', username: lockerId }] : []),
    { command: 'deleteRole', rolename },
    { command: 'createRole', rolename, textname: `locker ${lockerId}` },
    ...lockerAcls(prefix, lockerId).map((acl) => ({ command: 'addRoleACL', rolename, ...acl })),
    {
      command: 'createClient',
      username: lockerId,
      password,
      clientid: lockerId,
      textname: `locker ${lockerId}`,
      roles: [{ rolename }],
    },
  ];
}

/** Mosquitto's dynamic-security file with the cloud as its admin and nothing else allowed. */
export function dynsecBootstrap(cloud: BrokerCredentials, prefix: string, iterations = 20_000) {
  const salt = randomBytes(12);
  return {
    defaultACLAccess: DENY_BY_DEFAULT,
    clients: [
      {
        username: cloud.username,
        textName: 'parcel-locker cloud',
        password: pbkdf2Sync(cloud.password, salt, iterations, 64, 'sha512').toString('base64'),
        salt: salt.toString('base64'),
        iterations,
        roles: [{ rolename: CLOUD_ROLE }],
      },
    ],
    groups: [],
    roles: [{ rolename: CLOUD_ROLE, acls: cloudAcls(prefix) }],
  };
}
