/**
 * The cloud's acks (DESIGN §5): how far a locker's verified chain is stored, signed with the
 * cloud key (the one commands are signed with) and stamped with a time that only moves
 * forward within this process, so a unit can tell a replayed old ack from a rewind.
 */
import { signMessage } from '../../src/shared/node/signedMessage';
import type { Ack } from '../../src/shared/protocol/messages';
import { lockerTopics } from '../../src/shared/protocol/topics';
import { iso, type CloudContext } from './context';

export class Acks {
  private lastAt = 0;

  constructor(private readonly ctx: CloudContext) {}

  /**
   * Signs an ack of `upToSeq`. Call it where the head is read, not where it is published: the
   * stamps then order what the cloud knew, even when publishes overtake each other.
   */
  sign(lockerId: string, upToSeq: number): Ack {
    // One millisecond apart at least, so no two acks share a stamp.
    this.lastAt = Math.max(this.ctx.clock.now(), this.lastAt + 1);
    return signMessage(
      { v: 1 as const, lockerId, upToSeq, at: iso(this.lastAt) },
      this.ctx.signingKey,
    );
  }

  async publish(ack: Ack): Promise<void> {
    const topic = lockerTopics(this.ctx.topicPrefix, ack.lockerId).acks;
    await this.ctx.publish(topic, JSON.stringify(ack), 1);
  }
}
