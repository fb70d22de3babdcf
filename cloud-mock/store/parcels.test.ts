import { describe, expect, it } from 'vitest';
import { openDatabase } from './database';
import { insertLocker } from './lockers';
import { findExpectedByBarcode, insertParcel, type CloudParcel } from './parcels';

const parcel = (n: number, over: Partial<CloudParcel> = {}): CloudParcel => ({
  allocationId: `a-${n}`,
  lockerId: 'L1',
  parcelId: `p-${n}`,
  cloudParcelId: null,
  trackingBarcode: `TRK-${n}`,
  state: 'picked_up',
  size: 'S',
  dimensions: null,
  weightG: null,
  accessible: false,
  customer: null,
  holdDays: 3,
  pickupCode: null,
  codeDigest: null,
  qrPayload: null,
  compartmentId: 'A1',
  announced: true,
  createdAt: n,
  lapsesAt: n,
  depositedAt: null,
  expiresAt: null,
  closedAt: n,
  releasePending: null,
  lockerRefusal: null,
  misdeliveredTo: null,
  ...over,
});

function lockerWithHistory() {
  const db = openDatabase(':memory:');
  for (const id of ['L1', 'L2'])
    insertLocker(db, {
      id,
      name: id,
      address: 'Hauptstraße 1',
      lat: 52.5,
      lng: 13.4,
      tokenHash: `t-${id}`,
      provisionedAt: 0,
      chainHash: '0'.repeat(64),
      codeLength: 8,
    });
  // A long history: closed parcels, one of them with the barcode the courier scans now.
  for (let n = 0; n < 500; n++) insertParcel(db, parcel(n));
  insertParcel(db, parcel(500, { state: 'expected', trackingBarcode: 'TRK-7' }));
  insertParcel(db, parcel(501, { lockerId: 'L2', state: 'expected', trackingBarcode: 'TRK-8' }));
  return db;
}

describe('finding the allocation a deposit the cloud was not told of belongs to', () => {
  it('matches only an expected parcel of that locker with that barcode', () => {
    const db = lockerWithHistory();
    expect(findExpectedByBarcode(db, 'L1', 'TRK-7')?.allocationId).toBe('a-500');
    expect(findExpectedByBarcode(db, 'L1', 'TRK-8')).toBeNull(); // another locker's
    expect(findExpectedByBarcode(db, 'L1', 'TRK-9')).toBeNull(); // closed long ago
  });

  it('reads the locker’s expected parcels through an index, never its whole history', () => {
    const db = lockerWithHistory();
    const plan = (
      db.prepare(`EXPLAIN QUERY PLAN ${findExpectedByBarcode.sql}`).all('L1', 'TRK-7') as {
        detail: string;
      }[]
    ).map((r) => r.detail);
    // parcels_by_state, or parcels_expected_by_barcode (migration 011): expected ones only.
    expect(plan).toContainEqual(
      expect.stringMatching(
        /^SEARCH parcels USING INDEX (parcels_by_state .*state=\?|parcels_expected_by_barcode)/,
      ),
    );
    expect(plan.filter((step) => step.startsWith('SCAN'))).toEqual([]);
  });
});
