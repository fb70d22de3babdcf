/**
 * A scripted RS-485 adapter for tests: records every byte the driver writes and answers with
 * literal frame bytes, so exact wire sequences (echoes, late replies, hung flushes, a link lost
 * mid-command) can be replayed without a pty.
 */
import type { BusTransport, OpenBusTransport } from '../busTransport';

/** `hex('8A 01 01 11 9B')` */
export const hex = (text: string): Uint8Array =>
  Uint8Array.from(
    text
      .trim()
      .split(/\s+/)
      .map((byte) => parseInt(byte, 16)),
  );

export const toHex = (bytes: Uint8Array): string =>
  [...bytes].map((byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join(' ');

interface Link {
  data?: (chunk: Buffer) => void;
  lost?: (reason: string) => void;
  /** Answer chunks on their way: in the port, not read yet (what readPending hands over). */
  pending: Buffer[];
}

const nextMacrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class ScriptedWire {
  /** Every request written, as hex, across all links. */
  readonly written: string[] = [];
  opens = 0;
  closes = 0;
  /**
   * What the adapter hands back after each write: chunks of hex, each delivered in its own
   * macrotask, in order. Default: nothing (a silent bus).
   */
  answer: (request: string) => string[] = () => [];
  /** Replace to make flushing hang or fail; default resolves at once. */
  discardInput: () => Promise<void> = () => Promise.resolve();
  private link: Link | undefined;

  /** For the driver's `openTransport` option; every open gives a fresh link on this wire. */
  readonly open: OpenBusTransport = () => {
    const link: Link = { pending: [] };
    this.link = link;
    this.opens += 1;
    return Promise.resolve(this.transport(link));
  };

  /** Hand the driver bytes now, unasked (e.g. a late reply). */
  send(chunk: string): void {
    this.link?.data?.(Buffer.from(hex(chunk)));
  }

  /** The adapter vanishes, as on an unplug. */
  lose(reason: string): void {
    const lost = this.link?.lost;
    this.link = undefined;
    lost?.(reason);
  }

  private transport(link: Link): BusTransport {
    return {
      write: (bytes) => {
        const request = toHex(bytes);
        this.written.push(request);
        void this.play(link, this.answer(request));
        return Promise.resolve();
      },
      discardInput: () => this.discardInput(),
      readPending: () => {
        for (let chunk = link.pending.shift(); chunk; chunk = link.pending.shift())
          if (this.link === link) link.data?.(chunk);
      },
      close: () => {
        this.closes += 1;
        if (this.link === link) this.link = undefined;
        return Promise.resolve();
      },
      onData: (listener) => {
        link.data = listener;
      },
      onLost: (listener) => {
        link.lost = listener;
      },
    };
  }

  /** One chunk per macrotask, so a reply after an echo really is a separate read. */
  private async play(link: Link, chunks: string[]): Promise<void> {
    const mine = chunks.map((chunk) => Buffer.from(hex(chunk)));
    link.pending.push(...mine);
    for (const chunk of mine) {
      await nextMacrotask();
      if (link.pending[0] !== chunk) continue; // read already, by readPending
      link.pending.shift();
      if (this.link === link) link.data?.(chunk);
    }
  }
}
