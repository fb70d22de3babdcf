/**
 * Statements are prepared once per connection: a pickup after the first prepares nothing, and
 * another connection gets statements of its own.
 */
import { describe, expect, it, vi } from 'vitest';
import { announce, deposit, startFixture } from '../services/testSupport/kioskFixture';
import { openDatabase } from './database';
import { getParcel } from './parcels';

describe('prepared statements', () => {
  it('prepares a query once per connection, and again for another connection', () => {
    const one = openDatabase(':memory:');
    const two = openDatabase(':memory:');
    const prepareOne = vi.spyOn(one, 'prepare');
    const prepareTwo = vi.spyOn(two, 'prepare');
    getParcel(one, 'a');
    getParcel(one, 'b');
    getParcel(two, 'a');
    expect(prepareOne).toHaveBeenCalledTimes(1);
    expect(prepareTwo).toHaveBeenCalledTimes(1);
  });

  it('a pickup like one before it prepares no statement at all', async () => {
    const f = await startFixture();
    for (const [id, code] of [
      ['p1', '111111'],
      ['p2', '222222'],
    ] as const) {
      announce(f, id, code);
      await deposit(f, id);
    }
    expect((await f.core.pickups.withCode('111111', 'code')).ok).toBe(true);
    const prepare = vi.spyOn(f.db, 'prepare');
    expect((await f.core.pickups.withCode('222222', 'code')).ok).toBe(true);
    expect(prepare).not.toHaveBeenCalled();
  });
});
