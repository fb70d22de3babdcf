/**
 * Test support: the real `mosquitto_sub` and `mosquitto_pub` binaries (clients nobody here
 * wrote) as an attacker or a witness: given host, port, credentials, client id and TLS files,
 * each runs with a timeout and returns what it printed and how it exited. The one helper every
 * attacker test uses; who they connect as comes from the test (cloud-mock/testSupport/
 * brokerLogins.ts names the cloud's and a locker's accounts).
 */
import { spawn } from 'node:child_process';

const SUB = process.env.MOSQUITTO_SUB_BIN ?? 'mosquitto_sub';
const PUB = process.env.MOSQUITTO_PUB_BIN ?? 'mosquitto_pub';

export interface BrokerTarget {
  host?: string;
  port: number;
  username?: string;
  password?: string;
  clientId?: string;
  /**
   * Keep the session of this client id (`-c`): taking over a client id with a clean session
   * would wipe the owner's queued messages and subscriptions, which is not the harm under test.
   */
  persistent?: boolean;
  /** CA to verify the broker with (mqtts); a client certificate and key to present. */
  tls?: { caFile: string; certFile?: string; keyFile?: string };
}

export interface ClientRun {
  /** Exit status; null when the timeout killed it. */
  status: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Lines of stdout (with `-v`: "topic payload"). */
  lines: string[];
}

/** A BrokerTarget from a URL such as mqtt://127.0.0.1:1883 (userinfo ignored). */
export function targetOf(url: string, extra: Omit<BrokerTarget, 'host' | 'port'> = {}) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port), ...extra } satisfies BrokerTarget;
}

function connectArgs(t: BrokerTarget): string[] {
  return [
    '-h',
    t.host ?? '127.0.0.1',
    '-p',
    String(t.port),
    '-V',
    'mqttv311',
    ...(t.username !== undefined ? ['-u', t.username] : []),
    ...(t.password !== undefined ? ['-P', t.password] : []),
    ...(t.clientId !== undefined ? ['-i', t.clientId] : []),
    ...(t.persistent ? ['-c'] : []),
    ...(t.tls ? ['--cafile', t.tls.caFile] : []),
    ...(t.tls?.certFile ? ['--cert', t.tls.certFile] : []),
    ...(t.tls?.keyFile ? ['--key', t.tls.keyFile] : []),
  ];
}

function run(bin: string, args: string[], timeoutMs: number): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({
        status: timedOut ? null : status,
        stdout,
        stderr,
        timedOut,
        lines: stdout.split('\n').filter((l) => l.length > 0),
      });
    });
  });
}

/** A running `mosquitto_sub -v`: await `done` for what it saw within its time. */
export interface Subscriber {
  done: Promise<ClientRun>;
  /** Resolves once the subscriber has connected and sent its SUBSCRIBE (or failed). */
  ready: Promise<void>;
}

/**
 * Subscribes to `topics` for `listenMs` (then it is stopped and what it printed is returned).
 * `-d` debug output goes to stdout too, so `lines` says whether the broker granted (qos) or
 * refused (128) each subscription; `messages` filters the `-v` lines from it.
 */
export function mosquittoSub(
  target: BrokerTarget,
  topics: string[],
  o: {
    listenMs: number;
    /** Stop after this many messages (those on `ignore` not counted). */
    count?: number;
    /** Topics whose messages are neither printed nor counted (`-T`), e.g. a resumed session's. */
    ignore?: string[];
    /** A last will, left with the broker at connect. */
    will?: { topic: string; payload: string; retain?: boolean };
    /** How it is stopped after listenMs: SIGTERM disconnects cleanly, SIGKILL leaves the will. */
    stopWith?: 'SIGTERM' | 'SIGKILL';
  },
): Subscriber {
  const args = [...connectArgs(target), '-v', '-d', '-q', '1'];
  if (o.will) {
    args.push('--will-topic', o.will.topic, '--will-payload', o.will.payload, '--will-qos', '1');
    if (o.will.retain) args.push('--will-retain');
  }
  for (const topic of topics) args.push('-t', topic);
  for (const topic of o.ignore ?? []) args.push('-T', topic);
  if (o.count !== undefined) args.push('-C', String(o.count));
  // Line-buffered, so `ready` sees the SUBACK as it happens.
  const child = spawn('stdbuf', ['-oL', '-eL', SUB, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    if (/^Subscribed \(mid/m.test(stdout)) markReady();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    markReady();
  });
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill(o.stopWith ?? 'SIGTERM');
  }, o.listenMs);
  const done = new Promise<ClientRun>((resolve, reject) => {
    child.once('error', (e) => {
      clearTimeout(timer);
      markReady();
      reject(e);
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      markReady();
      resolve({
        status: timedOut ? null : status,
        stdout,
        stderr,
        timedOut,
        lines: stdout.split('\n').filter((l) => l.length > 0),
      });
    });
  });
  return { done, ready };
}

/** The `-v` message lines ("topic payload") of a subscriber's output, without debug lines. */
export function receivedMessages(r: ClientRun, topics: string[]): string[] {
  return r.lines.filter((l) => topics.some((t) => l.startsWith(`${t} `)));
}

/** The granted QoS values of the subscriber's SUBACK (128 = refused), from `-d` output. */
export function grantedQos(r: ClientRun): number[] {
  const m = /received SUBACK[\s\S]*?Subscribed \(mid: \d+\): ([\d, ]+)/.exec(r.stdout);
  return m ? m[1]!.split(',').map((s) => Number(s.trim())) : [];
}

/** Publishes one message; `status` 0 means the client finished its publish without an error. */
export function mosquittoPub(
  target: BrokerTarget,
  message: { topic: string; payload: string; qos?: 0 | 1; retain?: boolean },
  timeoutMs = 10_000,
): Promise<ClientRun> {
  return run(
    PUB,
    [
      ...connectArgs(target),
      '-d',
      '-t',
      message.topic,
      '-m',
      message.payload,
      '-q',
      String(message.qos ?? 1),
      ...(message.retain ? ['-r'] : []),
    ],
    timeoutMs,
  );
}
