import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicKeyToRaw } from '../../shared/node/ed25519';
import { digestOf } from '../services/testSupport/kioskFixture';
import { FileIdentityStore } from '../identity/fileIdentityStore';
import { CloudPeer, until } from './testSupport/cloudPeer';
import { Mosquitto } from './testSupport/mosquitto';

const script = fileURLToPath(new URL('./testSupport/kioskProcess.ts', import.meta.url));

let broker: Mosquitto;
beforeAll(async () => {
  broker = await Mosquitto.start();
});
afterAll(async () => {
  await broker.stop();
});

function startKiosk(env: Record<string, string>): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('READY')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`kiosk process exited early (${code})`)));
  });
  return { child, ready };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('a kiosk process killed mid-flush', () => {
  it('resumes from the cloud ack after restart: nothing lost, no command applied twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crash-'));
    const lockerId = 'crash-kiosk';
    const identityFile = join(dir, 'identity.json');
    const device = FileIdentityStore.open(identityFile).deviceKey();
    const cloud = generateKeyPairSync('ed25519');
    const peer = await CloudPeer.connect({
      url: broker.url,
      lockerId,
      devicePublicKey: device.publicKey,
      cloudPrivateKey: cloud.privateKey,
    });
    const env = {
      DB_FILE: join(dir, 'kiosk.db'),
      IDENTITY_FILE: identityFile,
      BROKER_URL: broker.url,
      LOCKER_ID: lockerId,
      CLOUD_PUBLIC_KEY: publicKeyToRaw(cloud.publicKey),
      RATE: '200',
      MAX_MESSAGE_BYTES: '4096',
    };
    const commands = Array.from({ length: 5 }, (_, i) =>
      peer.command('parcel.expect', {
        parcelId: `p${i}`,
        trackingBarcode: `TRKP${i}`,
        dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 },
        weightG: 900,
        codeDigest: digestOf(`12345${i}`),
      }),
    );
    let second: ChildProcess | undefined;
    const first = startKiosk({ ...env, BACKLOG: '3000' });
    try {
      await first.ready;
      for (const c of commands) await peer.sendCommand(c);
      await until(() => peer.batches.length >= 40, 'the flush under way');
      await kill(first.child);
      await until(() => peer.presence.at(-1)?.status === 'offline', 'last will after SIGKILL');
      const beforeRestart = peer.events.length;

      const again = startKiosk({ ...env, BACKLOG: '0' });
      second = again.child;
      await again.ready;
      // The cloud re-sends every command it has no result for; the broker may redeliver too.
      for (const c of commands) await peer.sendCommand(c);
      const db = new Database(env.DB_FILE, { readonly: true });
      try {
        const head = () =>
          (db.prepare('SELECT max(seq) AS s FROM events').get() as { s: number }).s;
        await until(
          () =>
            commands.every((c) => peer.results().has(String(c.id))) && peer.ackedUpTo === head(),
          'everything delivered after restart',
          30_000,
        );
        expect(peer.events.length).toBeGreaterThan(beforeRestart);
        expect(peer.events.map((e) => e.seq)).toEqual(
          Array.from({ length: head() }, (_, i) => i + 1),
        );
        expect(peer.failures).toEqual([]);
        expect(peer.events.filter((e) => e.type === 'device.started')).toHaveLength(2);
        const faults = db
          .prepare(`SELECT count(*) AS n FROM events WHERE type = 'hardware.fault'`)
          .get() as {
          n: number;
        };
        expect(peer.events.filter((e) => e.type === 'hardware.fault')).toHaveLength(faults.n);
        // Exactly once in effect: one parcel.expected and one ok result per command.
        expect(peer.events.filter((e) => e.type === 'parcel.expected')).toHaveLength(5);
        for (const c of commands) {
          const results = peer.results().get(String(c.id))!;
          expect(results.filter((r) => r.ok === true)).toHaveLength(1);
          expect(results.filter((r) => r.ok !== true).every((r) => r.error === 'replayed')).toBe(
            true,
          );
        }
        const acked = db.prepare(`SELECT value FROM meta WHERE key = 'acked_seq'`).get() as {
          value: string;
        };
        await until(
          () =>
            Number(
              (
                db.prepare(`SELECT value FROM meta WHERE key = 'acked_seq'`).get() as {
                  value: string;
                }
              ).value,
            ) === head(),
          'device recorded the final ack',
        );
        expect(Number(acked.value)).toBeLessThanOrEqual(head());
      } finally {
        db.close();
      }
    } finally {
      await kill(first.child);
      if (second) await kill(second);
      await peer.close();
    }
  });
});
