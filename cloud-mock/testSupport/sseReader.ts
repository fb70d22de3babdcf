/**
 * Test support: reads a Server-Sent Events response over real HTTP (fetch), as EventSource
 * would: messages with their id, event and data, and the comments (heartbeats) between them.
 */
export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
}

export class SseReader {
  readonly messages: SseMessage[] = [];
  comments = 0;
  /** The server ended the stream. */
  ended = false;
  status = 0;
  contentType = '';
  private readonly abort = new AbortController();
  private waiters: { match: () => boolean; resolve: () => void }[] = [];
  private done: Promise<void> = Promise.resolve();

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const reader = new SseReader();
    const response = await fetch(url, { headers, signal: reader.abort.signal });
    reader.status = response.status;
    reader.contentType = response.headers.get('content-type') ?? '';
    if (response.ok && response.body) reader.done = reader.pump(response.body);
    else await response.body?.cancel();
    return reader;
  }

  /** The messages' data as JSON. */
  parsed<
    T = { id: number; type: string; parcelId: string | null; data: Record<string, unknown> },
  >(): T[] {
    return this.messages.map((m) => JSON.parse(m.data) as T);
  }

  /** Resolves once `match` holds (checked on each message and comment). */
  until(match: (r: SseReader) => boolean, timeoutMs = 5_000): Promise<void> {
    if (match(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `SSE: condition not met in ${timeoutMs} ms (${this.messages.length} messages)`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        match: () => match(this),
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done.catch(() => undefined);
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.take(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
      this.ended = true;
      this.check();
    } catch {
      // aborted by close()
    }
  }

  private check(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.match()) return true;
      w.resolve();
      return false;
    });
  }

  private take(block: string): void {
    const message: SseMessage = { id: null, event: 'message', data: '' };
    let hasData = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments += 1;
      else if (line.startsWith('id: ')) message.id = line.slice(4);
      else if (line.startsWith('event: ')) message.event = line.slice(7);
      else if (line.startsWith('data: ')) {
        message.data += (hasData ? '\n' : '') + line.slice(6);
        hasData = true;
      }
    }
    if (hasData) this.messages.push(message);
    this.check();
  }
}
