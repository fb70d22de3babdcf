/**
 * Whole MQTT messages signed like commands: a detached Ed25519 signature in `sig` over the
 * RFC 8785 canonical JSON of every other field. The cloud signs acks; the unit signs its state
 * snapshot.
 */
import type { KeyObject } from 'node:crypto';
import { canonicalJson, tryCanonicalJson } from './canonicalJson';
import { signDetached, verifyDetached } from './ed25519';

/** The message with its `sig`. */
export function signMessage<T extends object>(body: T, privateKey: KeyObject): T & { sig: string } {
  return { ...body, sig: signDetached(canonicalJson(body), privateKey) };
}

/** True only when `sig` verifies with `publicKey` over every other field; never throws. */
export function verifyMessage(message: { sig: string }, publicKey: KeyObject): boolean {
  const { sig, ...body } = message;
  const canonical = tryCanonicalJson(body);
  return canonical !== undefined && verifyDetached(canonical, sig, publicKey);
}
