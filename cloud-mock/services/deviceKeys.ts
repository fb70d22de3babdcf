/**
 * Device public keys as KeyObjects, imported once per key rather than for every batch (a
 * fleet's command results arrive one event per batch; importing the key each time was 3–4 % of
 * the cloud's main thread in bench/allocation.ts). Keyed by the raw key, so a re-enrolled
 * locker's new key is a new entry; bounded, so a fleet's worth of keys is all it keeps.
 */
import type { KeyObject } from 'node:crypto';
import { publicKeyFromRaw } from '../../src/shared/node/ed25519';

export class DeviceKeys {
  private readonly byRaw = new Map<string, KeyObject>();

  constructor(private readonly max = 100_000) {}

  of(raw: string): KeyObject {
    let key = this.byRaw.get(raw);
    if (!key) {
      if (this.byRaw.size >= this.max) this.byRaw.clear();
      this.byRaw.set(raw, (key = publicKeyFromRaw(raw)));
    }
    return key;
  }
}
