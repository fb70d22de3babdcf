/**
 * One run of the flush benchmark: a real Mosquitto, the real cloud-mock on it, and a kiosk
 * process that builds an offline backlog of real operations and then drains it through the
 * broker into the cloud (optionally SIGKILLed at half way and started again). A witness on the
 * broker times what passed; the cloud's own file says what was stored; the ceiling is the same
 * batches published straight into a fresh cloud in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileIdentityStore } from '../../src/main/identity/fileIdentityStore';
import { Mosquitto } from '../../src/main/cloud/testSupport/mosquitto';
import { measureCeiling, type CeilingFigures } from './flushCeiling';
import { startFlushCloud, type CloudCount } from './flushCloud';
import { FlushKioskProcess, kioskProgress, type KioskEnv } from './flushKioskProcess';
import { FlushWitness, wallNow, type WireFigures } from './flushWitness';

export interface FlushOptions {
  events: number;
  restart: boolean;
  /** The kiosk's publish limit (DESIGN §5: 100 per second). */
  publishesPerSecond: number;
  /** Also measure the ceiling (default true). */
  ceiling?: boolean;
  /** Write the kiosk process's CPU profile here. */
  kioskCpuProfDir?: string;
  timeoutMs?: number;
  /** Print every batch and ack the witness saw, with its time. */
  trace?: boolean;
  say?: (line: string) => void;
}

export interface FlushFigures extends WireFigures {
  backlogEvents: number;
  eventsPerSecondAcked: number;
  flushSeconds: number;
  backlogBuildSeconds: number;
  /** How long the kiosk's event loop was held while it flushed (a door to open waits that). */
  kioskLoopDelayMs: { p50: number; p99: number; max: number };
  /** The cloud process's CPU over the flush, in cores (1 = one core busy all the time). */
  cloudCpuCores: number;
  /** With --restart: where the kill came, and what the cloud stored (0 and 0 is the goal). */
  restart: null | {
    killedAt: { at: number; sentUpTo: number; ackedUpTo: number };
    lost: number;
    doubled: number;
  };
  stored: CloudCount & { kioskHead: number };
  ceiling: CeilingFigures | null;
  /** eventsPerSecondAcked / ceiling.eventsPerSecond. */
  ofCeiling: number | null;
}

const LOCKER = 'bench-flush';

export async function runFlush(o: FlushOptions): Promise<FlushFigures> {
  const say = o.say ?? (() => {});
  const timeoutMs = o.timeoutMs ?? 300_000;
  const dir = mkdtempSync(join(tmpdir(), 'bench-flush-'));
  const identityFile = join(dir, 'identity.json');
  const identity = FileIdentityStore.open(identityFile);
  const broker = await Mosquitto.start();
  const cloud = await startFlushCloud({ brokerUrl: broker.url, lockerId: LOCKER, identity });
  const witness = await FlushWitness.connect(broker.url, LOCKER);
  const env: KioskEnv = {
    DB_FILE: join(dir, 'kiosk.db'),
    IDENTITY_FILE: identityFile,
    BROKER_URL: broker.url,
    LOCKER_ID: LOCKER,
    CLOUD_PUBLIC_KEY: cloud.cloudPublicKey,
    RATE: String(o.publishesPerSecond),
  };
  const kioskOptions = o.kioskCpuProfDir ? { cpuProfDir: o.kioskCpuProfDir } : {};
  const kiosks: FlushKioskProcess[] = [];
  let cloudClosed = false;
  try {
    const building = performance.now();
    const first = FlushKioskProcess.spawn(env, { backlogEvents: o.events, ...kioskOptions });
    kiosks.push(first);
    const backlogHead = Number(await first.said('BACKLOG', timeoutMs));
    const backlogBuildSeconds = (performance.now() - building) / 1000;
    say(`backlog: ${backlogHead} events of real operations in ${backlogBuildSeconds.toFixed(1)} s`);

    const started = wallNow();
    const cpuBefore = process.cpuUsage();
    let restart: FlushFigures['restart'] = null;
    // A power cut mid-send: the witness kills the kiosk once half the backlog is on the wire.
    if (o.restart) witness.killWhenSent(first.child.pid!, Math.floor(backlogHead / 2));
    first.connect();
    if (o.restart) {
      await first.exited;
      const killedAt = witness.killedAt;
      if (!killedAt) throw new Error('the kiosk process ended by itself');
      say(
        `kiosk killed with ${killedAt.sentUpTo} of ${backlogHead} sent and ${killedAt.ackedUpTo} acked; restarting`,
      );
      const again = FlushKioskProcess.spawn(env, kioskOptions);
      kiosks.push(again);
      await again.said('ONLINE', timeoutMs);
      restart = { killedAt, lost: 0, doubled: 0 };
    }
    await witness.ackOf(backlogHead, timeoutMs);
    const doneAt = witness.ackedAt(backlogHead)!;
    const cpu = process.cpuUsage(cpuBefore);
    const flushSeconds = (doneAt - started) / 1000;
    const cloudCpuCores = (cpu.user + cpu.system) / 1000 / (wallNow() - started);

    // Whatever the flush set off (command results) settles; then the cloud holds the chain.
    const kioskHead = await settled(env.DB_FILE, witness, timeoutMs);
    // Across a restart, count what the restarted kiosk sent again too.
    const wire = witness.figures(started, 0, o.restart ? wallNow() : doneAt);
    if (o.trace) {
      for (const b of witness.batches)
        say(`batch at ${(b.at - started).toFixed(0)} ms: ${b.firstSeq}..${b.lastSeq} (${b.count})`);
      for (const a of witness.acks) say(`ack at ${(a.at - started).toFixed(0)} ms: ${a.upToSeq}`);
    }
    const stored = { ...cloud.count(), kioskHead };
    if (restart) {
      restart.lost = kioskHead - stored.distinct;
      restart.doubled = stored.rows - stored.distinct + stored.notifiedTwice;
    }
    for (const k of kiosks) await k.stop();
    const kioskLoopDelayMs = JSON.parse(
      await kiosks.at(-1)!.said('LOOP', 1000),
    ) as FlushFigures['kioskLoopDelayMs'];
    await cloud.close();
    cloudClosed = true;

    let ceiling: CeilingFigures | null = null;
    if (o.ceiling ?? true) {
      ceiling = await measureCeiling({
        brokerUrl: broker.url,
        lockerId: LOCKER,
        identity,
        kioskDbFile: env.DB_FILE,
        lastSeq: backlogHead,
        timeoutMs,
      });
      say(
        `ceiling: the same batches straight into a fresh cloud: ${ceiling.eventsPerSecond.toFixed(0)} events/s`,
      );
    }
    const eventsPerSecondAcked = backlogHead / flushSeconds;
    return {
      backlogEvents: backlogHead,
      eventsPerSecondAcked,
      flushSeconds,
      backlogBuildSeconds,
      ...wire,
      kioskLoopDelayMs,
      cloudCpuCores,
      restart,
      stored,
      ceiling,
      ofCeiling: ceiling ? eventsPerSecondAcked / ceiling.eventsPerSecond : null,
    };
  } finally {
    for (const k of kiosks) await k.kill();
    await witness.close();
    if (!cloudClosed) await cloud.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits until the cloud has acked the kiosk's whole chain and it stopped growing. */
async function settled(dbFile: string, witness: FlushWitness, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  for (;;) {
    const { head } = kioskProgress(dbFile);
    if (head === last && witness.ackedUpTo >= head) return head;
    if (Date.now() > deadline)
      throw new Error(`the chain did not settle: kiosk head ${head}, acked ${witness.ackedUpTo}`);
    last = head;
    await new Promise((r) => setTimeout(r, 500));
  }
}
