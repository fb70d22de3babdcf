/**
 * Test support: the real `mosquitto_pub` / `mosquitto_sub` binaries (a client nobody here
 * wrote) as an attacker or a witness on a broker. Who they connect as comes from one place,
 * {@link attackerAccess} / {@link witnessAccess}, so credentials or TLS can be added there.
 */
import { spawn } from 'node:child_process';

const PUB = process.env['MOSQUITTO_PUB_BIN'] ?? 'mosquitto_pub';
const SUB = process.env['MOSQUITTO_SUB_BIN'] ?? 'mosquitto_sub';

/** How a command-line client reaches the broker. */
export interface BrokerAccess {
  url: string;
  username?: string;
  password?: string;
  cafile?: string;
  cert?: string;
  key?: string;
}

/** Someone on the network who can reach the broker: today anonymous. */
export function attackerAccess(brokerUrl: string): BrokerAccess {
  return { url: brokerUrl };
}

/** A test's own observer of what the cloud publishes (for capturing genuine messages). */
export function witnessAccess(brokerUrl: string): BrokerAccess {
  return { url: brokerUrl };
}

function connectionArgs(a: BrokerAccess): string[] {
  const url = new URL(a.url);
  const args = ['-h', url.hostname, '-p', url.port || '1883', '-V', 'mqttv311'];
  if (a.username !== undefined) args.push('-u', a.username);
  if (a.password !== undefined) args.push('-P', a.password);
  if (a.cafile) args.push('--cafile', a.cafile);
  if (a.cert) args.push('--cert', a.cert);
  if (a.key) args.push('--key', a.key);
  return args;
}

export interface ClientRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(bin: string, args: string[], timeoutMs: number): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** One QoS 1 publish with mosquitto_pub; resolves with its exit code and output. */
export function mosquittoPub(
  access: BrokerAccess,
  topic: string,
  message: string,
  o: { retain?: boolean } = {},
): Promise<ClientRun> {
  const args = [...connectionArgs(access), '-q', '1', '-t', topic, '-m', message];
  if (o.retain) args.push('-r');
  return run(PUB, args, 10_000);
}

/**
 * Subscribes with mosquitto_sub and returns the first `count` messages on `topic` (one line
 * each: the payloads here are single-line JSON), or fewer when `timeoutSec` passes first.
 */
export async function mosquittoSub(
  access: BrokerAccess,
  topic: string,
  count: number,
  timeoutSec = 10,
): Promise<string[]> {
  const args = [...connectionArgs(access), '-q', '1', '-t', topic, '-C', String(count)];
  args.push('-W', String(timeoutSec));
  const r = await run(SUB, args, (timeoutSec + 5) * 1000);
  return r.stdout.split('\n').filter((line) => line.length > 0);
}

/**
 * Starts mosquitto_sub in the background and collects every message on `topic` until stopped
 * (it takes a moment to subscribe: wait for a message you expect before relying on it).
 */
export function watchTopic(
  access: BrokerAccess,
  topic: string,
): { messages: string[]; stop(): Promise<void> } {
  const args = [...connectionArgs(access), '-q', '1', '-t', topic];
  const child = spawn(SUB, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const messages: string[] = [];
  let partial = '';
  child.stdout.on('data', (d: Buffer) => {
    const lines = (partial + d.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    messages.push(...lines.filter((l) => l.length > 0));
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    messages,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await closed;
    },
  };
}
