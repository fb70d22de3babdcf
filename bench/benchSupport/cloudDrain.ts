/**
 * Benchmark support: somewhere for the kiosk's cloud link to drain its outbox to: a real
 * Mosquitto on loopback and the cloud's end of the contract (cloudPeerChild.ts) in its own
 * process, verifying and acking every event.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { KeyObject } from 'node:crypto';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { privateKeyToRaw, publicKeyToRaw } from '../../src/shared/node/ed25519';
import { Mosquitto } from '../../src/main/cloud/testSupport/mosquitto';

const here = dirname(fileURLToPath(import.meta.url));

export interface CloudDrain {
  readonly brokerUrl: string;
  /** The highest seq the peer has verified and acked, as it last said. */
  readonly acked: number;
  /** Chain or schema failures the peer saw (a benchmark with any is void). */
  readonly failures: number;
  startPeer(lockerId: string, devicePublicKey: KeyObject): Promise<void>;
  close(): Promise<void>;
}

export async function startCloudDrain(cloudPrivateKey: KeyObject): Promise<CloudDrain> {
  const broker = await Mosquitto.start();
  let child: ChildProcess | null = null;
  let acked = 0;
  let failures = 0;
  return {
    brokerUrl: broker.url,
    get acked() {
      return acked;
    },
    get failures() {
      return failures;
    },
    async startPeer(lockerId, devicePublicKey) {
      const peer = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          join(here, 'cloudPeerChild.ts'),
          broker.url,
          lockerId,
          publicKeyToRaw(devicePublicKey),
          privateKeyToRaw(cloudPrivateKey),
        ],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      );
      child = peer;
      const lines = createInterface({ input: peer.stdout! });
      await new Promise<void>((resolve, reject) => {
        peer.once('exit', (code) => reject(new Error(`cloud peer exited with ${code}`)));
        lines.once('line', () => resolve());
      });
      lines.on('line', (line) => {
        const said = JSON.parse(line) as { acked: number; failures: number; malformed: number };
        acked = said.acked;
        failures = said.failures + said.malformed;
      });
    },
    async close() {
      if (child && child.exitCode === null) {
        const gone = new Promise((resolve) => child!.once('exit', resolve));
        child.stdin?.end();
        await gone;
      }
      await broker.stop();
    },
  };
}
