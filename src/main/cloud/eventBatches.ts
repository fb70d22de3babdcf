/**
 * Packs stored events into EventBatch messages (`{"v":1,"events":[…]}`) of at most a byte
 * limit, in seq order, without re-serialising the signed bodies.
 */
import type { StoredEvent } from '../store/events';

export interface EventBatchMessage {
  /** The JSON text to publish. */
  json: string;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  count: number;
}

const HEAD = '{"v":1,"events":[';
const TAIL = ']}';
const ENVELOPE_BYTES = Buffer.byteLength(HEAD + TAIL);
/** EventBatchSchema allows at most this many events per message. */
export const MAX_EVENTS_PER_BATCH = 10_000;

/**
 * The signed event as JSON: the stored canonical body with hash and sig appended. The body is
 * a canonical JSON object, so it ends in `}`; the result is what SignedEventSchema parses.
 */
export function signedEventJson(e: StoredEvent): string {
  return `${e.body.slice(0, -1)},"hash":${JSON.stringify(e.hash)},"sig":${JSON.stringify(e.sig)}}`;
}

/**
 * The longest prefix of `events` that fits in `maxBytes`. An event too large to fit alone is
 * still sent alone (it cannot be split); the caller logs it. Returns null for no events.
 */
export function nextBatch(
  events: readonly StoredEvent[],
  maxBytes: number,
): EventBatchMessage | null {
  const parts: string[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const e of events) {
    if (parts.length >= MAX_EVENTS_PER_BATCH) break;
    const json = signedEventJson(e);
    const size = Buffer.byteLength(json) + (parts.length > 0 ? 1 : 0);
    if (parts.length > 0 && bytes + size > maxBytes) break;
    parts.push(json);
    bytes += size;
  }
  const first = events[0];
  if (!first) return null;
  const last = events[parts.length - 1]!;
  return {
    json: HEAD + parts.join(',') + TAIL,
    bytes,
    firstSeq: first.seq,
    lastSeq: last.seq,
    count: parts.length,
  };
}
