/**
 * Test support: a merchant's webhook receiver, a real HTTP server on loopback that keeps every
 * request it gets (headers, raw body, when) and answers with the status a test sets, one per
 * request in turn (the last one repeats).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export class WebhookReceiver {
  readonly received: Received[] = [];
  private answers: number[] = [200];
  private waiters: { count: number; resolve: () => void }[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(path = '/hooks/lockers'): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | null = null;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r = receiver!;
        r.received.push({
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        });
        const status = r.answers.length > 1 ? r.answers.shift()! : r.answers[0]!;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status));
        r.waiters = r.waiters.filter((w) => {
          if (r.received.length < w.count) return true;
          w.resolve();
          return false;
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}${path}`);
    return receiver;
  }

  /** The statuses to answer the next requests with, in order; the last one then repeats. */
  answer(...statuses: number[]): void {
    this.answers = statuses;
  }

  /** Resolves once `count` requests have arrived in all. */
  waitFor(count: number): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** The status events received, parsed. */
  events(): { id: number; type: string; parcelId: string | null; data: Record<string, unknown> }[] {
    return this.received.map(
      (r) => JSON.parse(r.body) as ReturnType<WebhookReceiver['events']>[number],
    );
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
