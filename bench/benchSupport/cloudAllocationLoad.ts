/**
 * Bench support: the allocation requests a merchant's systems send — parcels of mixed sizes
 * spread over the lockers, each with a parcel id of its own — and the figures of one phase.
 */
import type { AllocationRequest } from '../../src/shared/rest/schemas';
import { quantile, round, type LoadRequest, type LoadResult } from './cloudLoad';
import { seededRandom } from '../../src/shared/node/testSupport/seededRandom';

// Half the parcels fit S, then fewer and fewer of the larger sizes (cloudRest lockerLayout).
const PARCELS = [
  { share: 0.5, dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 }, weightG: 1_200 },
  { share: 0.3, dimensions: { lengthMm: 350, widthMm: 300, heightMm: 150 }, weightG: 4_000 },
  { share: 0.15, dimensions: { lengthMm: 550, widthMm: 380, heightMm: 300 }, weightG: 12_000 },
  { share: 0.05, dimensions: { lengthMm: 580, widthMm: 450, heightMm: 500 }, weightG: 30_000 },
];

export class AllocationRequests {
  private next = 0;
  private readonly random: () => number;

  constructor(
    private readonly lockerIds: readonly string[],
    private readonly merchantKey: string,
    seed = 12,
  ) {
    this.random = seededRandom(seed);
  }

  /** `count` allocation requests, round-robin over the lockers. */
  take(count: number): LoadRequest[] {
    return Array.from({ length: count }, () => {
      const n = this.next++;
      const body: AllocationRequest = {
        lockerId: this.lockerIds[n % this.lockerIds.length]!,
        parcelId: `BENCH-${n}`,
        trackingBarcode: `TRK${String(n).padStart(10, '0')}`,
        ...this.parcel(),
        customer: { name: 'Ada Lovelace', phone: '+49 30 1234567', email: 'ada@example.org' },
        accessible: false,
      };
      return { method: 'POST', path: '/api/v1/allocations', key: this.merchantKey, body };
    });
  }

  private parcel() {
    let r = this.random();
    for (const p of PARCELS) {
      if (r < p.share) return { dimensions: p.dimensions, weightG: p.weightG };
      r -= p.share;
    }
    return { dimensions: PARCELS[0]!.dimensions, weightG: PARCELS[0]!.weightG };
  }
}

export interface PhaseFigures {
  requests: number;
  seconds: number;
  perSec: number;
  createdPerSec: number;
  refusedPerSec: number;
  created: number;
  refused: number;
  /** Answers other than 201 and 409 (none expected). */
  failed: number;
  p50Ms: number;
  p99Ms: number;
}

/** Figures over one or more runs of the same phase (latencies pooled, time summed). */
export function phaseFigures(runs: readonly LoadResult[]): PhaseFigures {
  const answers = runs.flatMap((r) => r.answers);
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  const created = answers.filter((a) => a.status === 201).length;
  const refused = answers.filter((a) => a.status === 409).length;
  const ms = answers.map((a) => a.ms);
  return {
    requests: answers.length,
    seconds: round(seconds, 2),
    perSec: round(answers.length / seconds),
    createdPerSec: round(created / seconds),
    refusedPerSec: round(refused / seconds),
    created,
    refused,
    failed: answers.length - created - refused,
    p50Ms: round(quantile(ms, 0.5), 2),
    p99Ms: round(quantile(ms, 0.99), 2),
  };
}

/** The allocation ids of the answers that created one. */
export const createdIds = (run: LoadResult): string[] =>
  run.answers
    .filter((a) => a.status === 201)
    .map((a) => (a.body as { allocationId: string }).allocationId);
