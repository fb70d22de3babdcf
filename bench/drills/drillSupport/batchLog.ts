/**
 * Drill support: a logger for cloud-mock that keeps, from its own log, the moment (wall clock)
 * of every event batch it ingested: one per publish the kiosk's relay made, as the broker's
 * subscriber received them. The rest of the log goes to stderr at `DRILL_LOG` (default error: a cloud cut off from its broker warns every second).
 */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export class BatchLog {
  readonly times: number[] = [];
  readonly logger: Logger;

  constructor() {
    const shown = pino.levels.values[process.env.DRILL_LOG ?? 'error'] ?? 40;
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const line of chunk.toString().split('\n')) {
          if (!line) continue;
          const entry = JSON.parse(line) as { msg?: string; time: number; level: number };
          if (entry.msg === 'event batch ingested') this.times.push(entry.time);
          if (entry.level >= shown) process.stderr.write(`${line}\n`);
        }
        done();
      },
    });
    this.logger = pino({ name: 'cloud', level: 'debug' }, sink);
  }

  /** Batch times at or after `from` (epoch ms). */
  since(from: number): number[] {
    return this.times.filter((t) => t >= from);
  }
}
