/**
 * Bench support: closed-loop load on the cloud's REST API. `clients` concurrent clients each
 * take the next request from a shared list and send it as soon as their previous answer came
 * back; every answer's status and latency is recorded.
 */
import type { CloudRest, RestAnswer } from './cloudRest';

export interface LoadRequest {
  method: string;
  path: string;
  key: string;
  body?: unknown;
}

export interface LoadResult {
  /** Wall time from the first request sent to the last answer received. */
  seconds: number;
  answers: { status: number; ms: number; body: unknown }[];
}

export async function runLoad(
  rest: CloudRest,
  clients: number,
  requests: readonly LoadRequest[],
): Promise<LoadResult> {
  const answers: LoadResult['answers'] = [];
  let next = 0;
  const client = async () => {
    for (let i = next++; i < requests.length; i = next++) {
      const r = requests[i]!;
      const sent = performance.now();
      const answer: RestAnswer = await rest.send(r.method, r.path, r.key, r.body);
      answers.push({ status: answer.status, ms: performance.now() - sent, body: answer.body });
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, client));
  return { seconds: (performance.now() - started) / 1000, answers };
}

/** The q-quantile (0..1) of `values`, nearest-rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export const round = (n: number, digits = 1): number => Number(n.toFixed(digits));
