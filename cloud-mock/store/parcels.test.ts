import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/shared/node/sqlite';
import { migrations } from './migrations';
import { findExpectedParcelByBarcode, insertParcel, type CloudParcel } from './parcels';

function parcel(over: Partial<CloudParcel>): CloudParcel {
  return {
    allocationId: 'a',
    lockerId: 'L',
    parcelId: 'P',
    cloudParcelId: null,
    trackingBarcode: 'TRK1',
    state: 'expected',
    size: 'S',
    dimensions: null,
    weightG: null,
    accessible: false,
    customer: null,
    holdDays: 3,
    pickupCode: null,
    codeDigest: null,
    qrPayload: null,
    compartmentId: null,
    announced: true,
    createdAt: 1,
    lapsesAt: 2,
    depositedAt: null,
    expiresAt: null,
    closedAt: null,
    ...over,
  };
}

describe('parcels by tracking barcode', () => {
  it('finds the newest expected allocation of that locker with that barcode, and nothing else', () => {
    const db = new Database(':memory:');
    migrate(db, migrations, 'cloud database');
    const locker = db.prepare(
      "INSERT INTO lockers (id, name, address, lat, lng, token_hash, provisioned_at, chain_hash) VALUES (?,'n','a',1,1,'t',1,'h')",
    );
    locker.run('L');
    locker.run('M');
    insertParcel(db, parcel({ allocationId: 'old', parcelId: 'P1', createdAt: 1 }));
    insertParcel(db, parcel({ allocationId: 'new', parcelId: 'P2', createdAt: 5 }));
    insertParcel(
      db,
      parcel({ allocationId: 'done', parcelId: 'P3', createdAt: 9, state: 'cancelled' }),
    );
    insertParcel(
      db,
      parcel({ allocationId: 'other', lockerId: 'M', parcelId: 'P4', createdAt: 9 }),
    );
    expect(findExpectedParcelByBarcode(db, 'L', 'TRK1')?.allocationId).toBe('new');
    expect(findExpectedParcelByBarcode(db, 'M', 'TRK1')?.allocationId).toBe('other');
    expect(findExpectedParcelByBarcode(db, 'L', 'TRK2')).toBeNull();
    // Found by its index, not by reading the locker's parcels.
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT * FROM parcels WHERE locker_id = 'L' AND tracking_barcode = 'TRK1' AND state = 'expected'",
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/parcels_expected_by_barcode/);
  });
});
