/**
 * The device's audit chain (DESIGN §4): canonical form, hash and signature of each event, and
 * the verifier that finds the first broken link. The kiosk signs with it; the cloud verifies.
 */
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  EVENT_BODY_KEYS,
  EventBodySchema,
  GENESIS_HASH,
  LockerIdSchema,
  Sha256HexSchema,
  SignedEventSchema,
} from '../events';
import type { EventBody, SignedEvent } from '../events';
import { canonicalJson, tryCanonicalJson } from './canonicalJson';
import { signDetached, verifyDetached } from './ed25519';

export { canonicalJson } from './canonicalJson';
export {
  privateKeyFromRaw,
  privateKeyFromSeed,
  privateKeyToRaw,
  publicKeyFromRaw,
  publicKeyToRaw,
  signDetached,
  verifyDetached,
} from './ed25519';

/** RFC 8785 canonical JSON of exactly the body fields (never hash or sig). */
export function canonicalBody(body: EventBody): string {
  const picked: Record<string, unknown> = {};
  for (const key of EVENT_BODY_KEYS) picked[key] = body[key];
  return canonicalJson(picked);
}

/** SHA-256 of the canonical text's UTF-8 bytes, lowercase hex. */
export function hashBody(canonical: string): string {
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * Hashes and signs one event. Throws (a bug in the caller) when the body does not match the
 * schema, so the device never emits an event the cloud would reject as malformed.
 */
export function signEvent(body: EventBody, privateKey: KeyObject): SignedEvent {
  const valid = EventBodySchema.parse(body);
  const canonical = canonicalBody(valid);
  return { ...valid, hash: hashBody(canonical), sig: signDetached(canonical, privateKey) };
}

/**
 * What the costly checks of one event found: its body's hash and whether the device key signed
 * it. They need nothing of the chain, so they can run anywhere (a worker thread) and ahead of
 * time; the chain's own checks then run in order with {@link ChainVerifier.pushParsed}.
 */
export interface LinkProof {
  /** SHA-256 of the canonical body, lowercase hex. */
  hash: string;
  /** The signature verifies over the canonical body (not checked, so false, when the hash differs from the event's). */
  signed: boolean;
}

/** Hashes an event's body and, if it hashes to what the event claims, checks its signature. */
export function proveLink(
  event: EventBody & { hash: string; sig: string },
  publicKey: KeyObject,
): LinkProof {
  const picked: Record<string, unknown> = {};
  for (const key of EVENT_BODY_KEYS) picked[key] = event[key];
  // No canonical form (a lone surrogate from JSON text): no device hashed or signed this body.
  const canonical = tryCanonicalJson(picked);
  if (canonical === undefined) return { hash: 'no canonical form', signed: false };
  const hash = hashBody(canonical);
  return { hash, signed: hash === event.hash && verifyDetached(canonical, event.sig, publicKey) };
}

export type ChainFailureReason =
  | 'malformed'
  | 'wrong_locker'
  | 'seq_gap'
  | 'prev_hash_mismatch'
  | 'hash_mismatch'
  | 'bad_signature';

/** The first broken link: `seq` is what the offending event claims (null if unreadable). */
export interface ChainFailure {
  ok: false;
  seq: number | null;
  /** Position of the offending event in the input (for a verifier: among all pushes). */
  index: number;
  reason: ChainFailureReason;
  detail: string;
}

export interface ChainOk {
  ok: true;
  /** Seq of the last verified event (start.seq - 1 when none were given). */
  lastSeq: number;
  lastHash: string;
  /** Events verified. */
  count: number;
}

export type ChainResult = ChainOk | ChainFailure;

/** Where verification begins: seq 1 after GENESIS_HASH, or a checkpoint kept after pruning. */
export interface ChainStart {
  /** Seq the first event must carry. */
  seq: number;
  /** Hash of the event before it (the checkpoint hash), GENESIS_HASH for seq 1. */
  prevHash: string;
  /** Locker the chain belongs to; when absent, the first event's lockerId is taken. */
  lockerId?: string;
}

export interface ChainState {
  lockerId: string | null;
  /** Seq the next event must carry. */
  nextSeq: number;
  lastSeq: number;
  lastHash: string;
  /** Events accepted so far. */
  count: number;
}

export type PushResult = (ChainOk & { event: SignedEvent }) | ChainFailure;

const GENESIS_START: ChainStart = { seq: 1, prevHash: GENESIS_HASH };

/**
 * Incremental verifier, so the cloud can check batch by batch without holding the chain.
 * A rejected event changes nothing: the state always describes a valid chain, and the next
 * push may still deliver the expected event (e.g. after a duplicate).
 */
export class ChainVerifier {
  private lockerId: string | null;
  private nextSeq: number;
  private lastHash: string;
  private accepted = 0;
  private pushed = 0;

  constructor(
    private readonly publicKey: KeyObject,
    start: ChainStart = GENESIS_START,
  ) {
    if (publicKey.type !== 'public' || publicKey.asymmetricKeyType !== 'ed25519') {
      throw new TypeError('ChainVerifier: expected an Ed25519 public key');
    }
    if (!Number.isSafeInteger(start.seq) || start.seq < 1) {
      throw new TypeError(`ChainVerifier: start.seq must be an integer ≥ 1, got ${start.seq}`);
    }
    if (!Sha256HexSchema.safeParse(start.prevHash).success) {
      throw new TypeError('ChainVerifier: start.prevHash must be 64 lowercase hex digits');
    }
    if (start.lockerId !== undefined && !LockerIdSchema.safeParse(start.lockerId).success) {
      throw new TypeError(
        `ChainVerifier: invalid start.lockerId ${JSON.stringify(start.lockerId)}`,
      );
    }
    this.lockerId = start.lockerId ?? null;
    this.nextSeq = start.seq;
    this.lastHash = start.prevHash;
  }

  get state(): ChainState {
    return {
      lockerId: this.lockerId,
      nextSeq: this.nextSeq,
      lastSeq: this.nextSeq - 1,
      lastHash: this.lastHash,
      count: this.accepted,
    };
  }

  /** Checks one event against the chain so far and, if it links, appends it. */
  push(input: unknown): PushResult {
    const parsed = SignedEventSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'event';
      return this.fail(
        this.pushed++,
        claimedSeq(input),
        'malformed',
        `${where}: ${issue?.message ?? 'invalid'}`,
      );
    }
    return this.pushParsed(parsed.data);
  }

  /**
   * {@link push} for an event already parsed with SignedEventSchema (e.g. within its batch), with
   * its {@link LinkProof} when one was computed ahead (else it is computed here, only if the
   * event gets that far). The checks and their order are push's: the first broken link is
   * reported at the same seq either way.
   */
  pushParsed(event: SignedEvent, proof?: LinkProof): PushResult {
    const index = this.pushed++;
    const { seq } = event;
    if (this.lockerId !== null && event.lockerId !== this.lockerId) {
      return this.fail(
        index,
        seq,
        'wrong_locker',
        `lockerId ${event.lockerId}, chain is ${this.lockerId}`,
      );
    }
    if (seq !== this.nextSeq) {
      return this.fail(index, seq, 'seq_gap', `expected seq ${this.nextSeq}, got ${seq}`);
    }
    if (event.prevHash !== this.lastHash) {
      return this.fail(
        index,
        seq,
        'prev_hash_mismatch',
        `prevHash ${event.prevHash}, expected ${this.lastHash}`,
      );
    }
    const { hash, signed } = proof ?? proveLink(event, this.publicKey);
    if (event.hash !== hash) {
      return this.fail(index, seq, 'hash_mismatch', `hash ${event.hash}, body hashes to ${hash}`);
    }
    if (!signed) {
      return this.fail(
        index,
        seq,
        'bad_signature',
        'signature does not verify with the device key',
      );
    }

    this.lockerId = event.lockerId;
    this.nextSeq = seq + 1;
    this.lastHash = hash;
    this.accepted += 1;
    return { ...this.okResult(), event };
  }

  private fail(
    index: number,
    seq: number | null,
    reason: ChainFailureReason,
    detail: string,
  ): ChainFailure {
    return { ok: false, seq, index, reason, detail };
  }

  /** Pushes events in order and stops at the first failure. */
  pushAll(events: Iterable<unknown>): ChainResult {
    for (const event of events) {
      const result = this.push(event);
      if (!result.ok) return result;
    }
    return this.okResult();
  }

  private okResult(): ChainOk {
    return { ok: true, lastSeq: this.nextSeq - 1, lastHash: this.lastHash, count: this.accepted };
  }
}

/** Verifies a whole chain (or the part after a checkpoint) and reports the first broken link. */
export function verifyChain(
  events: Iterable<SignedEvent | unknown>,
  publicKey: KeyObject,
  start?: ChainStart,
): ChainResult {
  return new ChainVerifier(publicKey, start).pushAll(events);
}

function claimedSeq(input: unknown): number | null {
  if (typeof input !== 'object' || input === null || !('seq' in input)) return null;
  return Number.isSafeInteger(input.seq) ? (input.seq as number) : null;
}
