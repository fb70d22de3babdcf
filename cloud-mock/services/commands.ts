/**
 * Signs and sends commands (DESIGN §5): CommandBodySchema → canonical JSON → Ed25519, a fresh
 * uuid and issue time each, stored before they are published so a lost publish is re-sent
 * when the unit comes back online, and marked done by the unit's `command.result`.
 */
import {
  CommandBodySchema,
  CommandPayloadSchemas,
  type CommandPayload,
  type CommandType,
  type SignedCommand,
} from '../../src/shared/protocol/commands';
import { lockerTopics } from '../../src/shared/protocol/topics';
import { canonicalJson } from '../../src/shared/node/canonicalJson';
import { signDetached } from '../../src/shared/node/ed25519';
import { getCommand, insertCommand, listPendingCommands } from '../store/commands';
import { iso, type CloudContext } from './context';

export class Commands {
  /** Issued inside a transaction, published by flush() once it has committed. */
  private queued: string[] = [];

  constructor(private readonly ctx: CloudContext) {}

  sign(lockerId: string, type: CommandType, payload: object, id: string): SignedCommand {
    const body = CommandBodySchema.parse({
      v: 1,
      id,
      lockerId,
      issuedAt: iso(this.ctx.clock.now()),
      type,
      payload: CommandPayloadSchemas[type].parse(payload),
    });
    return { ...body, sig: signDetached(canonicalJson(body), this.ctx.signingKey) };
  }

  /** Signs and stores one command; call flush() after the surrounding transaction commits. */
  issue<T extends CommandType>(lockerId: string, type: T, payload: CommandPayload<T>): string {
    const command = this.sign(lockerId, type, payload, this.ctx.newId());
    insertCommand(this.ctx.db, {
      id: command.id,
      lockerId,
      type,
      signed: JSON.stringify(command),
      issuedAt: this.ctx.clock.now(),
    });
    this.queued.push(command.id);
    return command.id;
  }

  /** Publishes every issued command that was committed (QoS 1). */
  async flush(): Promise<void> {
    const ids = this.queued;
    this.queued = [];
    await Promise.all(
      ids.map((id) => {
        const stored = getCommand(this.ctx.db, id);
        return stored ? this.publishSigned(stored.lockerId, stored.signed) : undefined;
      }),
    );
  }

  /**
   * Re-sends what the unit has not answered yet, re-signed with a fresh issue time and the
   * same id, so the unit's replay check still applies and its time window accepts it.
   */
  async resendPending(lockerId: string): Promise<number> {
    const pending = listPendingCommands(this.ctx.db, lockerId);
    await Promise.all(
      pending.map((c) => {
        const original = JSON.parse(c.signed) as SignedCommand;
        const fresh = this.sign(lockerId, original.type, original.payload, original.id);
        return this.publishSigned(lockerId, JSON.stringify(fresh));
      }),
    );
    return pending.length;
  }

  private async publishSigned(lockerId: string, text: string): Promise<void> {
    const topic = lockerTopics(this.ctx.topicPrefix, lockerId).commands;
    try {
      await this.ctx.publish(topic, text, 1);
    } catch (e) {
      // Stays pending; resent when the unit's presence next turns online.
      this.ctx.log.warn({ err: e, lockerId }, 'command publish failed');
    }
  }
}
