import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { publicKeyToRaw } from '../../src/shared/node/ed25519';
import { DeviceKeys } from './deviceKeys';

const rawKey = () => publicKeyToRaw(generateKeyPairSync('ed25519').publicKey);

describe('device keys', () => {
  it('imports each key once, a new key (re-enrolment) afresh, and keeps no more than its bound', () => {
    const keys = new DeviceKeys(2);
    const [a, b, c] = [rawKey(), rawKey(), rawKey()];
    const first = keys.of(a);
    expect(keys.of(a)).toBe(first);
    expect(publicKeyToRaw(keys.of(b))).toBe(b);
    expect(publicKeyToRaw(keys.of(c))).toBe(c); // over the bound: starts again
    expect(keys.of(a)).not.toBe(first);
    expect(publicKeyToRaw(keys.of(a))).toBe(a);
  });

  it('refuses a key that is not 32 bytes of base64url, as the import does', () => {
    expect(() => new DeviceKeys().of('not-a-key')).toThrow(TypeError);
  });
});
