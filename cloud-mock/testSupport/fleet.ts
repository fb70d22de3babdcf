/**
 * Test and bench support: a fleet written straight into the cloud's store through its own
 * store functions (lockers, compartments, parcels in every state the scheduler reads), fast
 * enough for 10,000 lockers × 30 compartments, with a seeded RNG so a run can be repeated.
 */
import type { Size } from '../../src/shared/domain';
import { GENESIS_HASH } from '../../src/shared/events';
import { insertCompartment, setCompartmentState } from '../store/compartments';
import type { Db } from '../store/database';
import { insertLocker } from '../store/lockers';
import { insertParcel, type CloudParcel } from '../store/parcels';
import { seededRandom } from '../../src/shared/node/testSupport/seededRandom';

const DAY = 86_400_000;

const INNER: Record<Size, { lengthMm: number; widthMm: number; heightMm: number }> = {
  S: { lengthMm: 400, widthMm: 350, heightMm: 90 },
  M: { lengthMm: 400, widthMm: 350, heightMm: 190 },
  L: { lengthMm: 600, widthMm: 400, heightMm: 390 },
  XL: { lengthMm: 600, widthMm: 500, heightMm: 590 },
};

/** A wall of `n`: 40 % S, 35 % M, 20 % L, the rest XL. */
export function fleetLayout(n: number): Size[] {
  return Array.from({ length: n }, (_, i) => {
    const f = i / n;
    return f < 0.4 ? 'S' : f < 0.75 ? 'M' : f < 0.95 ? 'L' : 'XL';
  });
}

export interface FleetOptions {
  lockers: number;
  compartments: number;
  /** Lockers spread uniformly in a box this many degrees around the centre. */
  center: { lat: number; lng: number };
  spreadDeg: number;
  /** Of each locker's compartments, the share holding a deposited parcel, and expected ones. */
  deposited: number;
  expected: number;
  /** The store's "now": deposits and allocations are spread over the days before it. */
  now: number;
  seed: number;
}

export interface Fleet {
  ids: string[];
  positions: { id: string; lat: number; lng: number }[];
  parcels: number;
}

/** Writes the fleet in one transaction per 500 lockers. */
export function seedFleet(db: Db, o: FleetOptions): Fleet {
  const random = seededRandom(o.seed);
  const layout = fleetLayout(o.compartments);
  const positions: Fleet['positions'] = [];
  let parcels = 0;
  const one = (i: number) => {
    const id = `F-${String(i + 1).padStart(5, '0')}`;
    const lat = o.center.lat + (random() - 0.5) * o.spreadDeg;
    const lng = o.center.lng + (random() - 0.5) * o.spreadDeg;
    positions.push({ id, lat, lng });
    insertLocker(db, {
      id,
      name: `Fleet locker ${i + 1}`,
      address: `Flottenweg ${i + 1}`,
      lat,
      lng,
      tokenHash: '0'.repeat(64),
      provisionedAt: o.now - 30 * DAY,
      chainHash: GENESIS_HASH,
      codeLength: 8,
    });
    layout.forEach((size, c) => {
      const compartmentId = `C${c + 1}`;
      insertCompartment(db, {
        lockerId: id,
        id: compartmentId,
        size,
        inner: INNER[size],
        maxWeightG: 20_000,
        lowerDoor: c % 6 === 5,
      });
      const roll = random();
      if (roll < o.deposited) {
        const depositedAt = o.now - Math.floor(random() * 3 * DAY);
        const parcelId = `${id}-P${c + 1}`;
        insertParcel(
          db,
          parcel(id, parcelId, size, 'deposited', o.now, depositedAt, compartmentId),
        );
        setCompartmentState(db, id, compartmentId, { state: 'occupied', parcelId }, 1);
        parcels += 1;
      } else if (roll < o.deposited + o.expected) {
        insertParcel(db, parcel(id, `${id}-E${c + 1}`, size, 'expected', o.now, null, null));
        parcels += 1;
      }
    });
  };
  for (let start = 0; start < o.lockers; start += 500)
    db.transaction(() => {
      for (let i = start; i < Math.min(o.lockers, start + 500); i++) one(i);
    })();
  return { ids: positions.map((p) => p.id), positions, parcels };
}

function parcel(
  lockerId: string,
  parcelId: string,
  size: Size,
  state: 'deposited' | 'expected',
  now: number,
  depositedAt: number | null,
  compartmentId: string | null,
): CloudParcel {
  const createdAt = (depositedAt ?? now) - DAY;
  return {
    allocationId: `A-${parcelId}`,
    lockerId,
    parcelId,
    cloudParcelId: null,
    trackingBarcode: `TRK-${parcelId}`,
    state,
    size,
    dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 },
    weightG: 1000,
    accessible: false,
    customer: null,
    holdDays: 3,
    pickupCode: null,
    codeDigest: null,
    qrPayload: null,
    compartmentId,
    announced: true,
    createdAt,
    lapsesAt: createdAt + 7 * DAY,
    depositedAt,
    expiresAt: depositedAt === null ? null : depositedAt + 3 * DAY,
    closedAt: null,
    releasePending: null,
    lockerRefusal: null,
    misdeliveredTo: null,
  };
}
