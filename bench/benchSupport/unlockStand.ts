/**
 * Benchmark support: a whole kiosk as the product runs it (startKiosk, the composition root,
 * with the real serial driver on a pty to lock boards in their own process, a real SQLite file,
 * the IPC handler table and the screens' event feed), filled with deposited parcels whose codes
 * the benchmark knows, and optionally an outbox backlog and a cloud link draining it.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { codeDigest } from '../../src/shared/node/codeDigest';
import { publicKeyToRaw } from '../../src/shared/node/ed25519';
import { kioskConfigSchema, type KioskConfig } from '../../src/main/config/kioskConfig';
import { mediumCompartments } from '../../src/main/services/testSupport/kioskFixture';
import { FileIdentityStore } from '../../src/main/identity/fileIdentityStore';
import { linkStatusOf } from '../../src/main/ipc/cloudLinkStatus';
import { startKioskIpc, type KioskIpc } from '../../src/main/ipc/kioskIpc';
import { notConnected, type LinkStatus } from '../../src/main/ipc/linkStatus';
import { startKiosk, type Kiosk } from '../../src/main/kiosk';
import { startCloudConnection, type CloudConnection } from '../../src/main/cloud/cloudConnection';
import type { Actor, Clock } from '../../src/main/services/context';
import type { Result } from '../../src/shared/result';
import type { DepositStarted } from '../../src/shared/outcomes';
import { ackedSeq, chainHead } from '../../src/main/store/events';
import { listDoorOperations } from '../../src/main/store/doorOperations';
import { getParcel } from '../../src/main/store/parcels';
import { BoardWitness, type LockAddress } from './boardWitness';
import { startCloudDrain, type CloudDrain } from './cloudDrain';
import { appendHistory } from './outboxHistory';
import { seededRandom } from '../../src/shared/node/testSupport/seededRandom';

/** Locks per board the locker uses: lock 16 of board 0 is the floor probe's, wired to nothing. */
const LOCKS_PER_COLUMN = 15;
export const FLOOR_LOCK: LockAddress = { board: 0, lock: 16 };

export type Scenario = 'idle' | 'backlog' | 'flushing';

export interface Pickup {
  parcelId: string;
  code: string;
  compartmentId: string;
  address: LockAddress;
}

export interface UnlockStandOptions {
  scenario: Scenario;
  /** Compartments, each holding one deposited parcel (at most 150). */
  compartments: number;
  log?: Logger;
  /** Where the kiosk keeps its data (default: a fresh directory under the system's tmp). */
  dataDir?: string;
  /** How long the person at an opened door takes before swapping its contents (default 1.5 s). */
  swapAfterMs?: number;
  /** Policy settings besides the defaults (e.g. the storage reserve). */
  policy?: Record<string, unknown>;
  /** The kiosk's clock (default: the wall clock); a drill moves it to live through days. */
  clock?: Clock;
}

const courier: Actor = { role: 'courier', subject: 'bench-courier' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A locker of `n` M compartments: column letter = board, row = lock. */
function lockerConfig(
  n: number,
  path: string,
  dataDir: string,
  cloud: { brokerUrl: string; publicKey: string },
  policy: Record<string, unknown> = {},
) {
  return kioskConfigSchema.parse({
    lockerId: 'bench-locker',
    compartments: mediumCompartments(n, LOCKS_PER_COLUMN),
    serial: { kind: 'serial', path, protocol: 'kerong-cu16' },
    scanner: { kind: 'none' },
    cloud,
    dataDir,
    policy,
  });
}

/** Unique 8-digit codes from a seeded generator, so runs are comparable. */
function codes(count: number, seed: number): string[] {
  const next = seededRandom(seed);
  const out = new Set<string>();
  while (out.size < count) out.add(String(10_000_000 + Math.floor(next() * 89_999_999)));
  return [...out];
}

/** The link status the screens see, following whichever cloud connection is current. */
class SwitchableLinkStatus implements LinkStatus {
  private following: LinkStatus = notConnected;
  private unfollow: () => void = () => {};
  private readonly listeners = new Set<() => void>();

  follow(connection: CloudConnection | null): void {
    this.unfollow();
    this.following = connection ? linkStatusOf(connection) : notConnected;
    this.unfollow = this.following.onChange(() => this.listeners.forEach((l) => l()));
    this.listeners.forEach((l) => l());
  }

  current(): ReturnType<LinkStatus['current']> {
    return this.following.current();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export class UnlockStand {
  private round = 0;

  private constructor(
    readonly kiosk: Kiosk,
    readonly ipc: KioskIpc,
    readonly witness: BoardWitness,
    readonly dir: string,
    readonly config: KioskConfig,
    /** The cloud's key: badges and commands the stand signs as the cloud would. */
    readonly cloudPrivateKey: KeyObject,
    private readonly drain: CloudDrain | null,
    private readonly log: Logger,
    private readonly screens: SwitchableLinkStatus,
    private readonly clock: Clock | undefined,
  ) {}

  private link: CloudConnection | null = null;

  /** Starts the kiosk's cloud connection (flushing scenario): the outbox starts draining. */
  goOnline(): void {
    if (this.link || !this.drain) return;
    const { core, db, identity } = this.kiosk;
    this.link = startCloudConnection({
      config: this.config,
      core,
      db,
      identity,
      log: this.log,
      ...(this.clock ? { clock: this.clock } : {}),
    });
    this.screens.follow(this.link);
  }

  /** Closes it again, so the next backlog builds up unsent. */
  async goOffline(): Promise<void> {
    const link = this.link;
    this.link = null;
    this.screens.follow(null);
    await link?.close();
  }

  static async start(o: UnlockStandOptions): Promise<UnlockStand> {
    if (o.compartments < 1 || o.compartments > 150)
      throw new Error('the bench locker has 1 to 150 compartments');
    const dir = mkdtempSync(join(tmpdir(), 'bench-unlock-'));
    const log = o.log ?? pino({ level: process.env.BENCH_LOG ?? 'warn' }, pino.destination(2));
    const boards = [
      ...new Set([
        FLOOR_LOCK.board,
        ...Array.from({ length: o.compartments }, (_, i) => Math.floor(i / LOCKS_PER_COLUMN)),
      ]),
    ];
    const witness = await BoardWitness.start({
      boards,
      floor: FLOOR_LOCK,
      ...(o.swapAfterMs !== undefined ? { swapAfterMs: o.swapAfterMs } : {}),
    });
    const cloudKeys = generateKeyPairSync('ed25519');
    // Offline: a broker nobody listens on, so the link keeps trying as it does in the field.
    const drain = o.scenario === 'flushing' ? await startCloudDrain(cloudKeys.privateKey) : null;
    const config = lockerConfig(
      o.compartments,
      witness.kioskPath,
      o.dataDir ?? join(dir, 'kiosk'),
      {
        brokerUrl: drain?.brokerUrl ?? 'mqtt://127.0.0.1:9',
        publicKey: publicKeyToRaw(cloudKeys.publicKey),
      },
      o.policy,
    );
    if (drain) {
      // The identity the kiosk will open: the cloud peer must know its key before it sends.
      mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
      const identity = FileIdentityStore.open(join(config.dataDir, 'identity.json'));
      await drain.startPeer(config.lockerId, identity.deviceKey().publicKey);
    }
    // Backlog: the link keeps trying an unreachable broker. Flushing: the link is started by
    // goOnline() once a backlog is waiting, as when the network comes back.
    const kiosk = await startKiosk(config, log, {
      cloudPublicKey: cloudKeys.publicKey,
      cloud: o.scenario === 'backlog',
      ...(o.clock ? { clock: o.clock } : {}),
    });
    // A bench run with a bus fault measures something else: say so where it happened.
    kiosk.devices.board.onEvent((e) => {
      if (e.type === 'fault') process.stderr.write(`bench: lock bus fault: ${e.reason}\n`);
    });
    // The screens follow the link the stand starts and stops, as they follow the kiosk's own.
    const screens = new SwitchableLinkStatus();
    if (kiosk.cloud) screens.follow(kiosk.cloud);
    const ipc = startKioskIpc(kiosk, { lockerId: config.lockerId, log, link: screens });
    // A screen listening, as the web shell's socket does: every push is serialised.
    ipc.push.subscribe((event, payload) => void JSON.stringify({ event, payload }));
    return new UnlockStand(
      kiosk,
      ipc,
      witness,
      dir,
      config,
      cloudKeys.privateKey,
      drain,
      log,
      screens,
      o.clock,
    );
  }

  /**
   * Announces and deposits a parcel in every compartment (or in `count` of them); resolves once
   * all are deposited.
   */
  async fill(
    count = this.config.compartments.length,
    /** How each parcel is deposited (default: straight to KioskCore, no screen). */
    depositOne: (barcode: string) => Promise<Result<DepositStarted, unknown>> = (barcode) =>
      this.kiosk.core.deposits.start(courier, barcode),
  ): Promise<Pickup[]> {
    const { core, identity, db } = this.kiosk;
    const round = ++this.round;
    const all = codes(count, round * 7919);
    const key = identity.codeDigestKey();
    const started: Pickup[] = [];
    for (const [i, code] of all.entries()) {
      const parcelId = `r${round}-p${i + 1}`;
      const announced = core.announcements.expectParcel({
        parcelId,
        trackingBarcode: `TRK${parcelId}`,
        dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 },
        weightG: 1200,
        accessible: false,
        codeDigest: codeDigest(key, code),
      });
      if (!announced.ok)
        throw new Error(`announcement refused: ${JSON.stringify(announced.error)}`);
      const deposit = await depositOne(`TRK${parcelId}`);
      if (!deposit.ok) throw new Error(`deposit refused: ${JSON.stringify(deposit.error)}`);
      const compartment = this.config.compartments.find(
        (c) => c.id === deposit.value.compartmentId,
      )!;
      started.push({
        parcelId,
        code,
        compartmentId: compartment.id,
        address: { board: compartment.board, lock: compartment.lock },
      });
    }
    const deadline = Date.now() + 60_000;
    while (started.some((p) => getParcel(db, p.parcelId)?.state !== 'deposited')) {
      if (Date.now() > deadline) {
        const stuck = started.filter((p) => getParcel(db, p.parcelId)?.state !== 'deposited');
        const ops = listDoorOperations(db).map(
          (op) => `${op.compartmentId}:${op.kind}:${op.phase}`,
        );
        throw new Error(
          `deposits did not complete within a minute: ${stuck.length} left (${stuck
            .slice(0, 5)
            .map((p) => `${p.parcelId} in ${p.compartmentId}`)
            .join(', ')}); door operations: ${ops.slice(0, 10).join(', ')}`,
        );
      }
      await sleep(50);
    }
    return started;
  }

  /** Puts `count` events of past door operations in the outbox, unsent. */
  appendBacklog(count: number): Promise<void> {
    return appendHistory(this.kiosk.core.audit, this.kiosk.db, this.config, count);
  }

  /** The newest event's seq. */
  head(): number {
    return chainHead(this.kiosk.db)?.seq ?? 0;
  }

  /** The highest seq the cloud has acknowledged. */
  acked(): number {
    return ackedSeq(this.kiosk.db);
  }

  /** Events in the outbox the cloud has not acknowledged. */
  unacked(): number {
    return this.head() - this.acked();
  }

  /** Chain or schema failures the cloud peer reported (a flush with any is void). */
  get cloudFailures(): number {
    return this.drain?.failures ?? 0;
  }

  async close(): Promise<void> {
    this.ipc.close();
    await this.goOffline();
    await this.kiosk.close();
    await this.drain?.close();
    await this.witness.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
