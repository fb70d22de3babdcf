/**
 * Signs and sends commands (DESIGN §5): CommandBodySchema → canonical JSON → Ed25519, a fresh
 * uuid, issue time and lifetime (`notAfter`, by type from the policy) each, stored before they
 * are published so a lost publish is re-sent, unchanged, on a timer with backoff
 * (commandResend.ts) and when the unit comes back online, and marked done by the unit's
 * `command.result` or failed once their lifetime has ended.
 */
import {
  CommandBodySchema,
  CommandPayloadSchemas,
  type CommandBody,
  type CommandPayload,
  type CommandType,
  type SignedCommand,
} from '../../src/shared/protocol/commands';
import { lockerTopics } from '../../src/shared/protocol/topics';
import { canonicalJson } from '../../src/shared/node/canonicalJson';
import { signDetached } from '../../src/shared/node/ed25519';
import {
  expirePendingCommands,
  getCommand,
  insertCommand,
  listPendingCommands,
  replaceSigned,
  type StoredCommand,
} from '../store/commands';
import { walSyncOf } from '../store/walSync';
import { resendDelayMs } from './commandResend';
import { iso, type CloudContext } from './context';

export class Commands {
  /** Issued inside a transaction, published by flush() once it has committed. */
  private queued: string[] = [];
  /**
   * Told of each command failed because its lifetime ended unanswered, inside the transaction
   * that fails it (LockerView sets it: the outcome is acted upon as a refusal would be).
   */
  whenExpired: (command: StoredCommand) => void = () => undefined;

  constructor(private readonly ctx: CloudContext) {}

  /** Signs and stores one command; call flush() after the surrounding transaction commits. */
  issue<T extends CommandType>(lockerId: string, type: T, payload: CommandPayload<T>): string {
    const issuedAt = this.ctx.clock.now();
    const lifetime = this.ctx.policy.commandLifetimeMs[type];
    const notAfter = lifetime === null ? null : issuedAt + lifetime;
    const command = this.sign({
      v: 1,
      id: this.ctx.newId(),
      lockerId,
      issuedAt: iso(issuedAt),
      notAfter: notAfter === null ? null : iso(notAfter),
      type,
      payload: CommandPayloadSchemas[type].parse(payload),
    });
    insertCommand(this.ctx.db, {
      id: command.id,
      lockerId,
      type,
      signed: JSON.stringify(command),
      issuedAt,
      notAfter,
      // Published at once after its commit; resent on the timer (commandResend.ts) until answered.
      nextSendAt: issuedAt + resendDelayMs(1),
    });
    this.queued.push(command.id);
    return command.id;
  }

  /**
   * Publishes every issued command that was committed (QoS 1), in issue order, without waiting
   * for the broker's PUBACK: each is in the store already, so nobody need wait for the broker,
   * and one whose publish fails stays pending and is resent when its locker next comes online.
   * After a commit that did not wait for the disk (WalSync), take them at once instead and
   * publish them once it is durable.
   */
  async flush(): Promise<void> {
    this.publish(this.takeIssued());
  }

  /**
   * The commands issued since the last take, in issue order; take them right after a commit
   * whose sync is still to come, and `publish` them once it is durable.
   */
  takeIssued(): string[] {
    const ids = this.queued;
    this.queued = [];
    return ids;
  }

  /** Publishes these committed commands (QoS 1) in order, not waiting for the broker. */
  publish(ids: readonly string[]): void {
    for (const id of ids) {
      // Absent when its transaction rolled back: never sent.
      const stored = getCommand(this.ctx.db, id);
      if (stored?.status === 'pending') void this.publishSigned(stored.lockerId, stored.signed);
    }
  }

  /**
   * Fails every pending command whose lifetime has ended (all lockers, or one), so it is never
   * sent again. The scheduler's tick and every resend call it.
   */
  expireDue(lockerId: string | null = null): StoredCommand[] {
    const expired = expirePendingCommands(this.ctx.db, this.ctx.clock.now(), lockerId);
    for (const c of expired) {
      this.ctx.log.warn(
        { lockerId: c.lockerId, commandId: c.id, type: c.type, notAfter: c.notAfter },
        'command expired before the locker answered; not sent again',
      );
      this.whenExpired(c);
    }
    return expired;
  }

  /**
   * Re-sends what the unit has not answered yet, exactly as signed (same id, issue time and
   * lifetime), after failing what has expired: a resend never makes a command fresher.
   */
  async resendPending(lockerId: string): Promise<number> {
    const pending = this.ctx.db
      .transaction(() => {
        this.expireDue(lockerId);
        return listPendingCommands(this.ctx.db, lockerId).map((c) => this.withLifetime(c));
      })
      .immediate();
    // Some may come from a commit still on its way to disk (WalSync): sent once it is there.
    await walSyncOf(this.ctx.db).sync();
    await Promise.all(pending.map((signed) => this.publishSigned(lockerId, signed)));
    return pending.length;
  }

  /**
   * The signed text to send. A command stored before lifetimes has none in its signature: it is
   * signed once more with its original id, issue time and payload and the lifetime migration
   * 006 gave it, and kept that way.
   */
  private withLifetime(c: StoredCommand): string {
    const stored = JSON.parse(c.signed) as Partial<SignedCommand>;
    if ('notAfter' in stored) return c.signed;
    const { sig: _old, ...body } = stored;
    const signed = JSON.stringify(
      this.sign({ ...body, notAfter: c.notAfter === null ? null : iso(c.notAfter) } as CommandBody),
    );
    replaceSigned(this.ctx.db, c.id, signed);
    return signed;
  }

  private sign(body: CommandBody): SignedCommand {
    const valid = CommandBodySchema.parse(body);
    return { ...valid, sig: signDetached(canonicalJson(valid), this.ctx.signingKey) };
  }

  /** Publishes one stored command again, exactly as signed (the resend timer). */
  resend(c: StoredCommand): Promise<void> {
    return this.publishSigned(c.lockerId, this.withLifetime(c));
  }

  private async publishSigned(lockerId: string, text: string): Promise<void> {
    const topic = lockerTopics(this.ctx.topicPrefix, lockerId).commands;
    try {
      await this.ctx.publish(topic, text, 1);
    } catch (e) {
      // Stays pending: resent on the timer (commandResend.ts) and when the unit comes online.
      this.ctx.log.warn({ err: e, lockerId }, 'command publish failed');
    }
  }
}
