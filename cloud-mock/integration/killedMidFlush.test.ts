/**
 * A kiosk process (the real composition root in a child process) SIGKILLed while it flushes an
 * offline backlog to the real cloud-mock resumes after restart without losing an event and
 * without an effect happening twice, on the embedded aedes and on Mosquitto.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockerDetail } from '../../src/shared/rest/schemas';
import { expectChainDelivered } from './chain';
import {
  allocation,
  pickupCode,
  provisionLocker,
  standConfig,
  startStand,
  startStandKiosk,
  until,
  writeConfig,
  type CloudStand,
} from './stand';

const child = fileURLToPath(new URL('./kioskChild.ts', import.meta.url));
const PARCELS = ['p-crash-1', 'p-crash-2', 'p-crash-3'];
/** Filler events before each deposit: ~500 bytes each, so the backlog spans several messages. */
const FILLER = 400;

function spawnKiosk(configFile: string, stand: CloudStand): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', child, configFile], {
    env: {
      ...process.env,
      ...(stand.kind === 'aedes' ? { EMBEDDED_BROKER_URL: stand.mqttUrl } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group, so a SIGKILL takes the simulator's socat down with it (power cut).
    detached: true,
  });
}

async function stop(kiosk: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (kiosk.exitCode !== null || kiosk.signalCode !== null) return;
  const exited = new Promise((resolve) => kiosk.once('exit', resolve));
  if (signal === 'SIGKILL') process.kill(-kiosk.pid!, signal);
  else kiosk.kill(signal);
  await exited;
}

/** The kiosk's chain head and recorded ack, read from its database file. */
function kioskProgress(dataDir: string): { head: number; acked: number } {
  const db = new Database(join(dataDir, 'kiosk.db'), { readonly: true, fileMustExist: true });
  try {
    const head = (db.prepare('SELECT max(seq) AS s FROM events').get() as { s: number }).s;
    const acked = db.prepare(`SELECT value FROM meta WHERE key = 'acked_seq'`).get() as
      { value: string } | undefined;
    return { head, acked: Number(acked?.value ?? 0) };
  } finally {
    db.close();
  }
}

describe.each(['aedes', 'mosquitto'] as const)('a kiosk process on %s', (kind) => {
  let stand: CloudStand;
  const children: ChildProcess[] = [];
  let dataDir = '';

  beforeAll(async () => {
    stand = await startStand(kind);
    dataDir = mkdtempSync(join(tmpdir(), 'kiosk-crash-'));
  });
  afterAll(async () => {
    for (const c of children) await stop(c, 'SIGKILL');
    await stand.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('killed mid-flush resumes from the cloud ack: nothing lost, nothing stored or notified twice', async () => {
    const lockerId = `it-${kind}-crash`;
    const token = await provisionLocker(stand, lockerId);
    // One publish a second and ~1 KB events (about 11 batches of 128 KB), so the flush takes
    // long enough to be killed in the middle even on a loaded machine.
    const config = standConfig(stand, { lockerId, dataDir, token, publishesPerSecond: 1 });
    const configFile = join(dataDir, 'kiosk-config.json');
    writeConfig(config, configFile);

    // In process first: enrol, take three allocations, then build a backlog offline.
    const first = await startStandKiosk(stand, config);
    for (const id of PARCELS)
      await stand.call('POST', '/api/v1/allocations', allocation(lockerId, id), 201);
    await until(
      () => PARCELS.every((id) => first.parcel(id)?.state === 'expected'),
      'allocations reached the kiosk',
    );
    await expectChainDelivered(stand, first);
    const deliveredBefore = first.head();
    const courier = first.login((await stand.badge('courier', 'courier-crash')).token);
    await stand.down();
    await until(() => !first.online(), 'the kiosk notices the broker is gone');
    for (const id of PARCELS) {
      first.kiosk.db.transaction(() => {
        for (let i = 0; i < FILLER; i++)
          first.kiosk.core.audit.append('hardware.fault', {
            reason: `backlog ${id} ${i} ${'x'.repeat(1000)}`,
          });
      })();
      await first.deposit(courier, `TRK${id.toUpperCase()}`);
    }
    await first.close();
    await stand.up();

    // The child flushes; it dies by SIGKILL once the cloud has stored part of the backlog.
    const flushing = spawnKiosk(configFile, stand);
    children.push(flushing);
    await until(
      async () => (await stand.audit(lockerId)).ackedSeq > deliveredBefore,
      'the flush under way',
      120_000,
    );
    await stop(flushing, 'SIGKILL');
    const atKill = kioskProgress(dataDir);
    const cloudAtKill = await stand.audit(lockerId);
    expect(cloudAtKill.ackedSeq).toBeLessThan(atKill.head); // really mid-flush
    expect(atKill.acked).toBeLessThan(atKill.head);

    // Restarted: it resumes from the first seq the cloud has not acked.
    const resumed = spawnKiosk(configFile, stand);
    children.push(resumed);
    await until(
      async () => {
        const p = kioskProgress(dataDir);
        return p.acked === p.head && (await stand.audit(lockerId)).ackedSeq === p.head;
      },
      'the resumed kiosk delivered everything',
      120_000,
    );
    await stop(resumed, 'SIGTERM');

    // In process again, to check the chain event by event and to use a code.
    const last = await startStandKiosk(stand, config);
    try {
      await expectChainDelivered(stand, last);
      const stored = stand.storedEvents(lockerId);
      const count = (type: string) => stored.filter((e) => e.type === type).length;
      expect(count('hardware.fault')).toBe(PARCELS.length * FILLER);
      expect(count('parcel.deposited')).toBe(PARCELS.length);
      expect(count('device.started')).toBe(4); // in process, killed child, resumed child, again
      for (const id of PARCELS) {
        const codes = (await stand.notifications(`parcelId=${id}`)).filter(
          (n) => n.kind === 'pickup_code',
        );
        expect(codes).toHaveLength(1);
      }
      const detail = await stand.call<LockerDetail>('GET', `/api/v1/lockers/${lockerId}`);
      expect(PARCELS.map((id) => detail.parcels.find((p) => p.parcelId === id)?.state)).toEqual([
        'deposited',
        'deposited',
        'deposited',
      ]);
      await last.pickUp(await pickupCode(stand, 'p-crash-2'));
      await expectChainDelivered(stand, last);
    } finally {
      await last.close();
    }
  }, 300_000);
});
