/**
 * The device's secrets as the kiosk sees them: the Ed25519 device key that signs audit
 * events, and the key for pickup-code digests. FileIdentityStore keeps them in a 0600 file;
 * a TPM-backed store plugs in behind the same interface (its private KeyObject would wrap a
 * handle that never leaves the chip), so nothing else in the kiosk changes.
 */
import type { KeyObject } from 'node:crypto';

export interface DeviceKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface IdentityStore {
  /** The Ed25519 key pair the device signs its events with. */
  deviceKey(): DeviceKeyPair;
  /** 32-byte HMAC-SHA256 key for pickup-code digests (see src/shared/node/codeDigest). */
  codeDigestKey(): Buffer;
}
