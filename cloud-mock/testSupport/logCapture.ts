/** Test support: a pino logger whose records tests can read and wait for. */
import { pino, type Logger } from 'pino';

export interface LogRecord {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export class LogCapture {
  readonly records: LogRecord[] = [];
  private waiters: { match: (r: LogRecord) => boolean; resolve: (r: LogRecord) => void }[] = [];
  readonly logger: Logger = pino(
    { level: 'debug' },
    {
      write: (line: string) => {
        const record = JSON.parse(line) as LogRecord;
        this.records.push(record);
        this.waiters = this.waiters.filter((w) => {
          if (!w.match(record)) return true;
          w.resolve(record);
          return false;
        });
      },
    },
  );

  /** The first record (already logged or still to come) that matches. */
  waitFor(match: (r: LogRecord) => boolean): Promise<LogRecord> {
    const found = this.records.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }
}
