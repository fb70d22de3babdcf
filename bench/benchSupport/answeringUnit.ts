/**
 * Bench support: a unit that answers every command it receives with `command.result` ok, as a
 * real unit does, in signed batches on its event chain: the cloud lets a cancelled allocation's
 * compartment go only on that answer, and resends what stays unanswered.
 */
import type { KeyObject } from 'node:crypto';
import { DeviceChain, type DeviceLink } from '../../cloud-mock/testSupport/device';

export class AnsweringUnit {
  private readonly chain: DeviceChain;
  private readonly answered = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private sending: Promise<void> = Promise.resolve();
  private head = 0;

  constructor(
    readonly link: DeviceLink,
    key: KeyObject,
  ) {
    this.chain = new DeviceChain(link.lockerId, key, { now: () => Date.now() });
    this.timer = setInterval(() => {
      this.sending = this.sending.then(
        () => this.answer(),
        () => this.answer(),
      );
    }, 20);
  }

  /** Distinct commands received so far (a resend is the same command). */
  get received(): number {
    return new Set(this.link.commands.all.map((c) => c.id)).size;
  }

  private async answer(): Promise<void> {
    const open = this.link.commands.all.filter((c) => !this.answered.has(c.id)).slice(0, 200);
    if (open.length === 0) return;
    for (const c of open) this.answered.add(c.id);
    const results = open.map((c) =>
      this.chain.next('command.result', { commandId: c.id, type: c.type, ok: true }),
    );
    this.head = results.at(-1)!.seq;
    await this.link.publishEvents(results);
  }

  /** Resolves once every command received so far is answered and the cloud has acked it. */
  async settled(): Promise<void> {
    for (;;) {
      await this.sending.catch(() => undefined);
      const waiting = this.link.commands.all.some((c) => !this.answered.has(c.id));
      if (!waiting && (this.head === 0 || this.lastAck() >= this.head)) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private lastAck(): number {
    return this.link.signedAcks.at(-1)?.upToSeq ?? 0;
  }

  /** Stops answering, lets a batch on its way finish, then disconnects. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.sending.catch(() => undefined);
    await this.link.close();
  }
}
