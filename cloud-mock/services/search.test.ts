import { describe, expect, it } from 'vitest';
import type { Size } from '../../src/shared/domain';
import type { LockerSummary } from '../../src/shared/rest/schemas';
import { openDatabase, type Db } from '../store/database';
import { listLockers } from '../store/lockers';
import { seededRandom } from '../../src/shared/node/testSupport/seededRandom';
import { seedFleet } from '../testSupport/fleet';
import { haversineM, lockerSummary } from './lockers';
import { boxAround, searchLockers } from './search';

const SIZES: (Size | undefined)[] = [undefined, 'S', 'M', 'L', 'XL'];

/** What search must answer: every locker, by distance then id, filtered, cut to the limit. */
function everyLocker(db: Db) {
  const all = listLockers(db).map((l) => ({ l, s: lockerSummary({ db }, l, null) }));
  return (q: { lat?: number; lng?: number; size?: Size; limit: number }): LockerSummary[] => {
    const here = q.lat === undefined ? null : { lat: q.lat, lng: q.lng! };
    return all
      .filter(({ s }) => q.size === undefined || s.availability[q.size] > 0)
      .map(({ l, s }) => ({ ...s, distanceM: here ? Math.round(haversineM(here, l)) : null }))
      .sort((a, b) => (a.distanceM ?? 0) - (b.distanceM ?? 0) || a.id.localeCompare(b.id))
      .slice(0, q.limit);
  };
}

function world(): Db {
  const db = openDatabase(':memory:');
  const common = { compartments: 8, now: Date.UTC(2026, 0, 10) };
  // A dense city where many lockers are full, a sparse region, and lockers near the date line
  // and the north pole, where a box on the map bends.
  seedFleet(db, {
    ...common,
    lockers: 300,
    center: { lat: 52.5, lng: 13.4 },
    spreadDeg: 0.3,
    deposited: 0.8,
    expected: 0.15,
    seed: 1,
  });
  const more = (prefix: string, o: Parameters<typeof seedFleet>[1]) => {
    const scratch = openDatabase(':memory:');
    const f = seedFleet(scratch, o);
    scratch.close();
    return f.positions.map((p) => ({ ...p, id: `${prefix}${p.id}` }));
  };
  const extra = [
    ...more('W', {
      ...common,
      lockers: 40,
      center: { lat: 48, lng: 10 },
      spreadDeg: 20,
      deposited: 0.3,
      expected: 0,
      seed: 2,
    }),
    ...more('D', {
      ...common,
      lockers: 20,
      center: { lat: -17, lng: 179.8 },
      spreadDeg: 0.6,
      deposited: 0.3,
      expected: 0,
      seed: 3,
    }),
    ...more('N', {
      ...common,
      lockers: 10,
      center: { lat: 89.7, lng: 0 },
      spreadDeg: 0.5,
      deposited: 0.3,
      expected: 0,
      seed: 4,
    }),
  ];
  const insert = db.prepare(
    `INSERT INTO lockers (id, name, address, lat, lng, token_hash, provisioned_at, chain_hash)
     VALUES (?, ?, 'a', ?, ?, 't', 0, 'h')`,
  );
  for (const p of extra)
    insert.run(p.id, p.id, Math.max(-90, Math.min(90, p.lat)), ((p.lng + 540) % 360) - 180);
  return db;
}

describe('search near a point', () => {
  it('answers exactly what reading every locker would, by distance then id, for any point, size and limit', () => {
    const db = world();
    const reference = everyLocker(db);
    const random = seededRandom(9);
    const points = [
      { lat: 52.5, lng: 13.4 },
      { lat: 52.51, lng: 13.38 },
      { lat: -17, lng: -179.95 }, // across the date line from its lockers
      { lat: 89.9, lng: 120 },
      { lat: 0, lng: 0 },
      ...Array.from({ length: 12 }, () => ({
        lat: random() * 180 - 90,
        lng: random() * 360 - 180,
      })),
    ];
    let compared = 0;
    for (const p of points)
      for (const size of SIZES)
        for (const limit of [1, 10, 100]) {
          const q = { ...p, limit, ...(size ? { size } : {}) };
          expect(searchLockers({ db }, q), JSON.stringify(q)).toEqual(reference(q));
          compared += 1;
        }
    expect(compared).toBe(points.length * 15);
    // Without a point: in id order, paged past the full ones.
    for (const size of SIZES)
      expect(searchLockers({ db }, { size, limit: 100 })).toEqual(reference({ size, limit: 100 }));
  });

  it('a box holds every point within the radius, at any latitude', () => {
    const random = seededRandom(3);
    for (let i = 0; i < 2000; i++) {
      const c = { lat: random() * 178 - 89, lng: random() * 358 - 179 };
      const r = 10 ** (2 + random() * 5);
      const box = boxAround(c, r);
      // A point at the radius in a random direction (destination formula on the sphere).
      const bearing = random() * 2 * Math.PI;
      const d = r / 6_371_008.8;
      const phi = (c.lat * Math.PI) / 180;
      const lat2 = Math.asin(
        Math.sin(phi) * Math.cos(d) + Math.cos(phi) * Math.sin(d) * Math.cos(bearing),
      );
      const lng2 =
        c.lng +
        (Math.atan2(
          Math.sin(bearing) * Math.sin(d) * Math.cos(phi),
          Math.cos(d) - Math.sin(phi) * Math.sin(lat2),
        ) *
          180) /
          Math.PI;
      const inside = { lat: (lat2 * 180) / Math.PI, lng: ((lng2 + 540) % 360) - 180 };
      expect(inside.lat).toBeGreaterThanOrEqual(box.lat[0] - 1e-9);
      expect(inside.lat).toBeLessThanOrEqual(box.lat[1] + 1e-9);
      if (box.lng) {
        expect(inside.lng).toBeGreaterThanOrEqual(box.lng[0] - 1e-9);
        expect(inside.lng).toBeLessThanOrEqual(box.lng[1] + 1e-9);
      }
    }
  });
});
