/**
 * Drill support: a logger that keeps, from the log itself, the moments (wall clock) one message
 * was logged at: given to the kiosk, `event batch published` is the relay's own account of each
 * publish, stamped as it sends (a subscriber downstream would see them bunched by its own
 * delays). The rest of the log goes to stderr at `DRILL_LOG` (default error: a link cut off
 * from its broker warns at every attempt).
 */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export class MessageTimes {
  readonly times: number[] = [];
  readonly logger: Logger;

  constructor(
    private readonly message: string,
    name: string,
  ) {
    const shown = pino.levels.values[process.env.DRILL_LOG ?? 'error'] ?? 40;
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const line of chunk.toString().split('\n')) {
          if (!line) continue;
          const entry = JSON.parse(line) as { msg?: string; time: number; level: number };
          if (entry.msg === this.message) this.times.push(entry.time);
          if (entry.level >= shown) process.stderr.write(`${line}\n`);
        }
        done();
      },
    });
    this.logger = pino({ name, level: 'debug' }, sink);
  }

  /** Times at or after `from` (epoch ms). */
  since(from: number): number[] {
    return this.times.filter((t) => t >= from);
  }
}
