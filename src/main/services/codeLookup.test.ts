/**
 * A typed code or a scanned token is found by its keyed digest through an index: a pickup or a
 * return reads the one row it opens, however many parcels and returns the locker holds, and
 * a wrong code reads none.
 */
import type { Statement } from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { qrPayload } from '../../shared/qrToken';
import type { Db } from '../store/database';
import { announce, deposit, digestOf, startFixture } from './testSupport/kioskFixture';

/** Counts the rows handed back from `table` by statements prepared from now on. */
function rowsReadFrom(db: Db, table: string): { rows: number } {
  const counter = { rows: 0 };
  const prepare = db.prepare.bind(db);
  const from = new RegExp(`\\bFROM ${table}\\b`, 'i');
  vi.spyOn(db, 'prepare').mockImplementation(((sql: string) => {
    const statement = prepare(sql);
    if (!from.test(sql)) return statement;
    return new Proxy(statement, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (property === 'all')
          return (...args: unknown[]) => {
            const rows = (target as Statement).all(...args);
            counter.rows += rows.length;
            return rows;
          };
        if (property === 'get')
          return (...args: unknown[]) => {
            const row = (target as Statement).get(...args);
            if (row !== undefined) counter.rows += 1;
            return row;
          };
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
  }) as Db['prepare']);
  return counter;
}

describe('codes are found by their digest', () => {
  it('a pickup by code or QR reads the one parcel it opens, a wrong code none', async () => {
    const f = await startFixture();
    for (let i = 1; i <= 5; i++) {
      f.core.announcements.expectParcel({
        parcelId: `p${i}`,
        trackingBarcode: `TRKp${i}`,
        dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 },
        weightG: 500,
        codeDigest: digestOf(`${i}${i}${i}${i}${i}${i}`),
        qrDigest: digestOf(qrPayload('pickup', `${'A'.repeat(20)}0${i}`)),
      });
      await deposit(f, `p${i}`);
    }
    const read = rowsReadFrom(f.db, 'parcels');
    expect(await f.core.pickups.withCode('999999', 'code')).toMatchObject({
      error: { reason: 'code_invalid' },
    });
    expect(read.rows).toBe(0);
    expect(await f.core.pickups.withCode('333333', 'code')).toMatchObject({
      ok: true,
      value: { parcelId: 'p3' },
    });
    expect(read.rows).toBe(1);
    const scanned = await f.core.pickups.withCode(qrPayload('pickup', `${'A'.repeat(20)}04`), 'qr');
    expect(scanned).toMatchObject({ ok: true, value: { parcelId: 'p4' } });
    expect(read.rows).toBe(2);
  });

  it('a return code reads the one return it is for', async () => {
    const f = await startFixture();
    for (let i = 1; i <= 4; i++)
      f.core.announcements.expectReturn({
        returnId: `r${i}`,
        size: 'S',
        codeDigest: digestOf(`${i}${i}${i}${i}${i}${i}`),
      });
    const read = rowsReadFrom(f.db, 'returns');
    expect(await f.core.returns.withCode('222222', 'code')).toMatchObject({
      ok: true,
      value: { returnId: 'r2' },
    });
    expect(read.rows).toBe(1);
  });

  it('still takes an expired parcel’s code, to send its customer to support', async () => {
    const f = await startFixture();
    announce(f, 'old', '777777');
    await deposit(f, 'old');
    f.clock.advance(4 * 86_400_000);
    await f.core.tick();
    expect(await f.core.pickups.withCode('777777', 'code')).toMatchObject({
      error: { reason: 'parcel_expired' },
    });
  });
});
