import { describe, expect, it } from 'vitest';
import {
  hashBrokerPassword,
  newBrokerPassword,
  verifyBrokerPassword,
  verifyNobody,
} from './passwordHash';

describe('broker passwords', () => {
  it('are 192 random bits, kept only as a salted scrypt hash that checks the right one', async () => {
    const password = newBrokerPassword();
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(newBrokerPassword()).not.toBe(password);
    const hash = await hashBrokerPassword(password);
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(hash).not.toContain(password);
    expect(await hashBrokerPassword(password)).not.toBe(hash); // salted
    expect(await verifyBrokerPassword(password, hash)).toBe(true);
    expect(await verifyBrokerPassword(`${password}x`, hash)).toBe(false);
    expect(await verifyBrokerPassword(password, 'sha256$abc')).toBe(false);
    // A truncated or tampered hash never matches (a shorter key would compare only a prefix).
    expect(await verifyBrokerPassword(password, hash.slice(0, -2))).toBe(false);
    expect(await verifyBrokerPassword(password, hash.replace('$32768$', '$3$'))).toBe(false);
    expect(await verifyNobody(password)).toBe(false);
  });
});
