import { describe, expect, it } from 'vitest';
import { StatusEventSchema } from '../../src/shared/rest/statusEvents';
import { openDatabase } from './database';
import {
  appendStatusEvent,
  lockerStatusEventsAfter,
  parcelStatusEvents,
  statusEventsAfter,
} from './statusEvents';

const PARCEL = '5d0f7d6e-4a52-4a8e-9d1e-2f9a6b0c1d2e';

describe('status events', () => {
  it('are numbered in commit order, read back as the shared schema, and a rolled-back change tells nothing', () => {
    const db = openDatabase(':memory:');
    const first = appendStatusEvent(
      db,
      { type: 'parcel.deposited', lockerId: 'L1', parcelId: PARCEL },
      1_000,
    );
    expect(() =>
      db.transaction(() => {
        appendStatusEvent(
          db,
          { type: 'parcel.picked_up', lockerId: 'L1', parcelId: PARCEL },
          2_000,
        );
        throw new Error('the change failed');
      })(),
    ).toThrow('the change failed');
    const second = appendStatusEvent(
      db,
      { type: 'locker.changed', lockerId: 'L2', data: { online: false } },
      3_000,
    );
    expect(second).toBeGreaterThan(first);

    const all = statusEventsAfter(db, 0, 10);
    expect(all.map((e) => e.type)).toEqual(['parcel.deposited', 'locker.changed']);
    for (const e of all) expect(StatusEventSchema.parse(e)).toEqual(e);
    expect(all[1]).toMatchObject({ lockerId: 'L2', parcelId: null, data: { online: false } });
    expect(statusEventsAfter(db, first, 10).map((e) => e.id)).toEqual([second]);
    expect(lockerStatusEventsAfter(db, 'L1', 0, 10).map((e) => e.id)).toEqual([first]);
    expect(parcelStatusEvents(db, PARCEL).map((e) => e.at)).toEqual([
      new Date(1_000).toISOString(),
    ]);
    db.close();
  });
});
