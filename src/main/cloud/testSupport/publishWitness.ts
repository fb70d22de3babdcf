/**
 * Test support: the real `mosquitto_sub` as a witness of what a unit publishes, each message on
 * its events, state and presence topics with the time it reached the witness. The `offline` last
 * will is told apart (it carries no `at`): the broker publishes it, not the unit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { lockerTopics } from '../../../shared/protocol/topics';

const SUB = process.env.MOSQUITTO_SUB_BIN ?? 'mosquitto_sub';

export interface Witnessed {
  topic: 'events' | 'state' | 'presence';
  /** performance.now() when the line reached the witness. */
  at: number;
  payload: string;
  /** The broker's last will for the unit, not a publish of the unit's. */
  will: boolean;
}

export class PublishWitness {
  readonly seen: Witnessed[] = [];
  private pending = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly topics: Record<Witnessed['topic'], string>,
  ) {}

  /** Subscribes (QoS 1) before the unit connects; resolves once the broker granted it. */
  static async start(brokerUrl: string, lockerId: string, prefix = 'locker/v1') {
    const u = new URL(brokerUrl);
    const t = lockerTopics(prefix, lockerId);
    const topics = { events: t.events, state: t.state, presence: t.presence };
    const args = ['-h', u.hostname, '-p', u.port, '-V', 'mqttv311', '-q', '1', '-v', '-d'];
    for (const topic of Object.values(topics)) args.push('-t', topic);
    // Line-buffered, so each message is timed as it arrives, not when a buffer fills.
    const child = spawn('stdbuf', ['-oL', '-eL', SUB, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const witness = new PublishWitness(child, topics);
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (c: Buffer) => {
        if (witness.take(c.toString())) resolve();
      });
      child.once('exit', (code) => reject(new Error(`mosquitto_sub exited (${code}): ${stderr}`)));
    });
    return witness;
  }

  /** What the unit itself published, in arrival order. */
  unitPublishes(): Witnessed[] {
    return this.seen.filter((w) => !w.will);
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }

  /** Records the complete lines of a chunk; true once the subscription was granted. */
  private take(chunk: string): boolean {
    const at = performance.now();
    const lines = (this.pending + chunk).split('\n');
    this.pending = lines.pop()!;
    let subscribed = false;
    for (const line of lines) {
      if (line.startsWith('Subscribed (mid')) subscribed = true;
      for (const [name, topic] of Object.entries(this.topics)) {
        if (!line.startsWith(`${topic} `)) continue;
        const payload = line.slice(topic.length + 1);
        const will = name === 'presence' && !payload.includes('"at"');
        this.seen.push({ topic: name as Witnessed['topic'], at, payload, will });
      }
    }
    return subscribed;
  }
}
