/**
 * Where the broker's accounts live, as the cloud's `--broker-accounts` option chooses:
 * `embedded` (the embedded broker checks the cloud's store), `mosquitto-dynsec` (the cloud
 * administers Mosquitto's dynamic-security plugin), or `managed-elsewhere` (the operator
 * gives each unit its identity, e.g. an X.509 certificate on AWS IoT Core; enrolment hands out
 * no credentials).
 */
import type { Logger } from 'pino';
import { err, ok, type Result } from '../../src/shared/result';
import type { DynsecAdmin } from './dynsecAdmin';
import { DENY_BY_DEFAULT, replaceLockerCommands } from './dynsecRoles';

export const BROKER_ACCOUNT_KINDS = ['embedded', 'mosquitto-dynsec', 'managed-elsewhere'] as const;
export type BrokerAccountsKind = (typeof BROKER_ACCOUNT_KINDS)[number];

export interface BrokerAccounts {
  readonly kind: BrokerAccountsKind;
  /** Enrolment issues each locker a username and password (not when managed elsewhere). */
  readonly issuesCredentials: boolean;
  /**
   * Puts the locker's new password in force at the broker (its store already holds the hash)
   * and ends the sessions of its previous identity.
   */
  replaceLocker(
    lockerId: string,
    password: string,
    replacing: boolean,
  ): Promise<Result<void, string>>;
}

/** Why this combination of options cannot work, or null when it can. */
export function brokerAccountsProblem(kind: BrokerAccountsKind, external: boolean): string | null {
  if (kind === 'embedded' && external)
    return 'broker accounts "embedded" are checked by the embedded broker; with --broker choose mosquitto-dynsec or managed-elsewhere';
  if (kind !== 'embedded' && !external)
    return `broker accounts "${kind}" need an external broker (--broker URL)`;
  return null;
}

export function embeddedAccounts(disconnect: (clientId: string) => Promise<void>): BrokerAccounts {
  return {
    kind: 'embedded',
    issuesCredentials: true,
    async replaceLocker(lockerId) {
      // The store is what the embedded broker checks: only the live session is left to end.
      await disconnect(lockerId);
      return ok(undefined);
    },
  };
}

export const managedElsewhere: BrokerAccounts = {
  kind: 'managed-elsewhere',
  issuesCredentials: false,
  replaceLocker: () => Promise.resolve(ok(undefined)),
};

/** Answers a delete may give when there was nothing to delete. */
const NOTHING_TO_DELETE = /not found/i;

export function mosquittoDynsecAccounts(
  admin: DynsecAdmin,
  topicPrefix: string,
  log: Logger,
): BrokerAccounts & { start(): Promise<Result<void, string>> } {
  let queue: Promise<unknown> = Promise.resolve();
  // One change at a time: two enrolments of one locker must not interleave their commands.
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    kind: 'mosquitto-dynsec',
    issuesCredentials: true,
    /** Checks the plugin answers and that everything not granted is refused. */
    start: () =>
      serial(async () => {
        const r = await admin.run([
          {
            command: 'setDefaultACLAccess',
            acls: Object.entries(DENY_BY_DEFAULT).map(([acltype, allow]) => ({ acltype, allow })),
          },
        ]);
        if (!r.ok) return err(`mosquitto-dynsec: ${r.error}`);
        const refused = r.value.find((a) => a.error);
        if (refused) return err(`mosquitto-dynsec: ${refused.command} refused: ${refused.error}`);
        return ok(undefined);
      }),
    replaceLocker: (lockerId, password, replacing) =>
      serial(async () => {
        const commands = replaceLockerCommands(topicPrefix, lockerId, password, replacing);
        const r = await admin.run(commands);
        if (!r.ok) return err(r.error);
        for (const answer of r.value) {
          if (!answer.error) continue;
          if (answer.command.startsWith('delete') && NOTHING_TO_DELETE.test(answer.error)) continue;
          const message =
            answer.command === 'createClient' && !replacing
              ? `the broker already has an account named ${lockerId} that this cloud did not issue`
              : `${answer.command} refused: ${answer.error}`;
          log.error({ lockerId, command: answer.command, error: answer.error }, message);
          return err(message);
        }
        return ok(undefined);
      }),
  };
}
