/**
 * Test support: a real Mosquitto on free loopback ports with a generated config, that a test can
 * stop and start again on the same ports. Anonymous by default; with `dynsec` (or a password
 * file and an ACL file) it authenticates every client (anonymous refused, client id = username),
 * and with `tls` it adds an mqtts listener (client certificate optional) and one that requires a
 * client certificate.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

const MOSQUITTO = process.env.MOSQUITTO_BIN ?? '/usr/sbin/mosquitto';
const DYNSEC_PLUGIN =
  process.env.MOSQUITTO_DYNSEC_PLUGIN ?? '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';

export interface MosquittoOptions {
  /**
   * The dynamic-security plugin's starting file (clients, roles, default access): the broker
   * then refuses anonymous clients and takes each client's username as its client id.
   */
  dynsec?: object;
  /**
   * Instead of dynsec: a password file (made with mosquitto_passwd) and an ACL file, with
   * anonymous clients refused and each client's username as its client id.
   */
  passwordFile?: string;
  aclFile?: string;
  /** Server certificate, its key and the CA that signs client certificates. */
  tls?: { caFile: string; certFile: string; keyFile: string };
}

export interface MosquittoPorts {
  plain: number;
  /** mqtts, client certificate optional. */
  tls: number | null;
  /** mqtts, client certificate required. */
  mutualTls: number | null;
}

export class Mosquitto {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    readonly ports: MosquittoPorts,
    readonly dir: string,
    private readonly configFile: string,
  ) {}

  static async start(o: MosquittoOptions = {}): Promise<Mosquitto> {
    const ports: MosquittoPorts = {
      plain: await freePort(),
      tls: o.tls ? await freePort() : null,
      mutualTls: o.tls ? await freePort() : null,
    };
    const dir = mkdtempSync(join(tmpdir(), 'mosquitto-'));
    const configFile = join(dir, 'mosquitto.conf');
    const lines = [
      // Run as whoever runs the tests (as root it would switch to `mosquitto`, which cannot
      // read this temp dir).
      `user ${userInfo().username}`,
      'per_listener_settings false',
      'persistence false',
      // As in production (docs/deployment-cloud.md): no forwarded message waits for a delayed ACK.
      'set_tcp_nodelay true',
      'max_inflight_messages 100',
      'max_queued_messages 100000',
      process.env.MOSQUITTO_LOG ? 'log_dest stderr' : 'log_dest none',
      `listener ${ports.plain} 127.0.0.1`,
    ];
    if (o.tls) {
      const { caFile, certFile, keyFile } = o.tls;
      const tlsFiles = [`cafile ${caFile}`, `certfile ${certFile}`, `keyfile ${keyFile}`];
      lines.push(`listener ${ports.tls} 127.0.0.1`, ...tlsFiles, 'require_certificate false');
      lines.push(`listener ${ports.mutualTls} 127.0.0.1`, ...tlsFiles, 'require_certificate true');
    }
    if (o.dynsec) {
      const dynsecFile = join(dir, 'dynamic-security.json');
      writeFileSync(dynsecFile, JSON.stringify(o.dynsec, null, 2), { mode: 0o600 });
      lines.push(
        'allow_anonymous false',
        'use_username_as_clientid true',
        `plugin ${DYNSEC_PLUGIN}`,
        `plugin_opt_config_file ${dynsecFile}`,
      );
    } else if (o.passwordFile) {
      lines.push(
        'allow_anonymous false',
        'use_username_as_clientid true',
        `password_file ${o.passwordFile}`,
        ...(o.aclFile ? [`acl_file ${o.aclFile}`] : []),
      );
    } else {
      lines.push('allow_anonymous true');
    }
    writeFileSync(configFile, `${lines.join('\n')}\n`);
    const broker = new Mosquitto(ports, dir, configFile);
    await broker.resume();
    return broker;
  }

  get port(): number {
    return this.ports.plain;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.ports.plain}`;
  }

  /** The mqtts listener (client certificate optional); only with `tls`. */
  get tlsUrl(): string {
    if (this.ports.tls === null) throw new Error('this Mosquitto has no TLS listener');
    return `mqtts://127.0.0.1:${this.ports.tls}`;
  }

  /** The mqtts listener that requires a client certificate; only with `tls`. */
  get mutualTlsUrl(): string {
    if (this.ports.mutualTls === null) throw new Error('this Mosquitto has no TLS listener');
    return `mqtts://127.0.0.1:${this.ports.mutualTls}`;
  }

  /** Starts the broker (again) on the same ports and waits until it accepts connections. */
  async resume(): Promise<void> {
    if (this.child) return;
    const child = spawn(MOSQUITTO, ['-c', this.configFile], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (process.env.MOSQUITTO_LOG) child.stderr?.pipe(process.stderr);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const listening = Object.values(this.ports).filter((p): p is number => p !== null);
    for (let i = 0; i < 200; i++) {
      const up = await Promise.all(listening.map(canConnect));
      if (up.every(Boolean)) return;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    this.child = null;
    child.kill('SIGKILL');
    throw new Error(`mosquitto did not start on port ${this.ports.plain}: ${stderr.trim()}`);
  }

  /** Stops the broker (sessions and retained messages are lost; dynsec accounts are kept). */
  async stop(): Promise<void> {
    await this.end('SIGTERM');
  }

  /** Kills the broker with SIGKILL: no goodbye to any client, sockets reset by the kernel. */
  async kill(): Promise<void> {
    await this.end('SIGKILL');
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    child.kill(signal);
    await this.exited;
  }

  /** Stops the broker and removes its files. */
  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
