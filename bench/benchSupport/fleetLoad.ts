/**
 * Bench support for `fleet`: the reads a fleet's operators and customers make (search near a
 * point, one locker's detail, the dashboard's list and alerts) from closed-loop clients that run
 * until told to stop, and an ingest probe: units publishing one signed event at a time and
 * timing each until the cloud's signed ack for it comes back.
 */
import type { DeviceChain, DeviceLink } from '../../cloud-mock/testSupport/device';
import { seededRandom } from '../../src/shared/node/testSupport/seededRandom';
import type { CloudRest } from './cloudRest';

export type ReadKind = 'search' | 'detail' | 'dashboard' | 'alerts' | 'ceiling';

export interface ReadMix {
  ids: readonly string[];
  center: { lat: number; lng: number };
  spreadDeg: number;
  key: string;
  /** Which kinds, with their weights. */
  weights: Partial<Record<ReadKind, number>>;
}

const SIZES = ['S', 'M', 'L', 'XL'];

function readPath(kind: ReadKind, mix: ReadMix, random: () => number): string {
  const locker = () => encodeURIComponent(mix.ids[Math.floor(random() * mix.ids.length)]!);
  switch (kind) {
    case 'search': {
      const lat = mix.center.lat + (random() - 0.5) * mix.spreadDeg;
      const lng = mix.center.lng + (random() - 0.5) * mix.spreadDeg;
      const size = random() < 0.5 ? `&size=${SIZES[Math.floor(random() * 4)]}` : '';
      return `/api/v1/lockers?lat=${lat.toFixed(5)}&lng=${lng.toFixed(5)}&limit=10${size}`;
    }
    case 'detail':
      return `/api/v1/lockers/${locker()}`;
    case 'dashboard':
      return '/api/v1/lockers?limit=100';
    case 'alerts':
      return `/api/v1/lockers/${locker()}/alerts?state=open`;
    case 'ceiling':
      // The cheapest authenticated read: the floor every other read is judged against.
      return `/api/v1/lockers/${locker()}/alerts?state=open&limit=1`;
  }
}

export interface ReadLoad {
  /** Latencies (ms) by kind, of answers that came back 200. */
  ms: Record<ReadKind, number[]>;
  failed: number;
  seconds: number;
  stop(): Promise<void>;
}

/**
 * Starts `clients` readers; they run until `stop()` (or `requests` are sent). Closed-loop (each
 * sends as soon as its answer came: as many reads as the cloud can take), or with `perSec`
 * paced to that many reads a second in all.
 */
export function startReads(
  rest: CloudRest,
  clients: number,
  mix: ReadMix,
  seed: number,
  requests = Infinity,
  perSec = 0,
): ReadLoad & { done: Promise<void> } {
  const random = seededRandom(seed);
  const kinds = Object.entries(mix.weights) as [ReadKind, number][];
  const total = kinds.reduce((n, [, w]) => n + w, 0);
  const pick = (): ReadKind => {
    let r = random() * total;
    for (const [k, w] of kinds) if ((r -= w) < 0) return k;
    return kinds[0]![0];
  };
  const load = {
    ms: { search: [], detail: [], dashboard: [], alerts: [], ceiling: [] } as Record<
      ReadKind,
      number[]
    >,
    failed: 0,
    seconds: 0,
  };
  let stopped = false;
  let sent = 0;
  const started = performance.now();
  const gapMs = perSec > 0 ? (1000 * clients) / perSec : 0;
  const client = async (n: number) => {
    let due = started + (gapMs * n) / clients;
    while (!stopped && sent++ < requests) {
      if (gapMs > 0) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        due += gapMs;
      }
      const kind = pick();
      const t = performance.now();
      const answer = await rest.send('GET', readPath(kind, mix, random), mix.key);
      if (answer.status === 200) load.ms[kind].push(performance.now() - t);
      else load.failed += 1;
    }
  };
  const done = Promise.all(Array.from({ length: clients }, (_, n) => client(n))).then(() => {
    load.seconds = (performance.now() - started) / 1000;
  });
  return Object.assign(load, {
    done,
    stop: async () => {
      stopped = true;
      await done;
    },
  });
}

export interface IngestUnit {
  chain: DeviceChain;
  link: DeviceLink;
}

/**
 * Each unit publishes `events` single-event batches, one after the other, timing each from
 * the publish until the cloud's signed ack names it (`ms`), and until the broker's PUBACK
 * (`pubackMs`: the broker's share; the rest is the cloud storing it and sending the ack).
 */
export async function probeIngest(
  units: readonly IngestUnit[],
  events: number,
): Promise<{ ms: number[]; pubackMs: number[] }> {
  const ms: number[] = [];
  const pubackMs: number[] = [];
  await Promise.all(
    units.map(async ({ chain, link }) => {
      for (let i = 0; i < events; i++) {
        const e = chain.next(i % 2 === 0 ? 'door.opened' : 'door.closed', {
          compartmentId: 'A1',
          operation: 'staff_open',
          operationId: 1 + Math.floor(i / 2),
        });
        const t = performance.now();
        await link.publishEvents([e]);
        pubackMs.push(performance.now() - t);
        await link.acks.until((seq) => seq >= e.seq);
        ms.push(performance.now() - t);
      }
    }),
  );
  return { ms, pubackMs };
}

/** The disk's own floor for an ack: a small append to a file and its fdatasync, timed. */
export async function fsyncFloor(dir: string, times: number): Promise<number[]> {
  const { open } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const handle = await open(join(dir, 'fsync-floor'), 'a');
  const ms: number[] = [];
  try {
    for (let i = 0; i < times; i++) {
      const t = performance.now();
      await handle.write(Buffer.alloc(512, i));
      await handle.datasync();
      ms.push(performance.now() - t);
    }
  } finally {
    await handle.close();
  }
  return ms;
}

/**
 * The bench process's own event-loop delay over `work`: when the machine starves the client,
 * its stalls show here and are not the cloud's (p99 and max, ms).
 */
export async function withOwnLag<T>(
  work: () => Promise<T>,
): Promise<[T, { p99: number; max: number }]> {
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  try {
    const value = await work();
    return [
      value,
      { p99: Math.round(h.percentile(99) / 1e4) / 100, max: Math.round(h.max / 1e4) / 100 },
    ];
  } finally {
    h.disable();
  }
}
