/**
 * Worker thread of SignatureChecks: proves each event it is sent (its body's hash and the device
 * signature, src/shared/node/eventChain.ts proveLink) and answers with the proofs in order.
 */
import type { KeyObject } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { SignedEvent } from '../../src/shared/events';
import { proveLink, publicKeyFromRaw, type LinkProof } from '../../src/shared/node/eventChain';

export interface ProofJob {
  id: number;
  /** The enrolled device key, raw base64url. */
  deviceKey: string;
  events: SignedEvent[];
}

export type ProofAnswer = { id: number; proofs: LinkProof[] } | { id: number; error: string };

const MAX_KEYS = 1_000;
const keys = new Map<string, KeyObject>();

function keyOf(raw: string): KeyObject {
  let key = keys.get(raw);
  if (!key) {
    if (keys.size >= MAX_KEYS) keys.clear();
    keys.set(raw, (key = publicKeyFromRaw(raw)));
  }
  return key;
}

parentPort!.on('message', (job: ProofJob) => {
  let answer: ProofAnswer;
  try {
    const key = keyOf(job.deviceKey);
    answer = { id: job.id, proofs: job.events.map((e) => proveLink(e, key)) };
  } catch (e) {
    answer = { id: job.id, error: (e as Error).message };
  }
  parentPort!.postMessage(answer);
});
