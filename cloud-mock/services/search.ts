/**
 * Search for lockers near a point with availability by size: candidates come from a box around
 * the point through an index, widening until enough match, and availability is read only for
 * candidates in distance order until the answer is full, so a fleet of 10,000 costs what the
 * lockers near the point cost.
 */
import type { Size } from '../../src/shared/domain';
import type { LockerSummary } from '../../src/shared/rest/schemas';
import { getLocker } from '../store/lockers';
import { lockerIdsAfter, lockersInBox, type Box } from '../store/lockerPositions';
import type { CloudContext } from './context';
import { EARTH_RADIUS_M, haversineM, lockerSummary } from './lockers';

/** The first radius tried; each miss widens it fourfold, up to the whole earth. */
const FIRST_RADIUS_M = 5_000;
const HALF_EARTH_M = Math.PI * EARTH_RADIUS_M;
/** Lockers read per page when there is no point (in id order). */
const PAGE = 200;

export interface SearchQuery {
  lat?: number;
  lng?: number;
  size?: Size;
  limit: number;
}

export function searchLockers(ctx: Pick<CloudContext, 'db'>, q: SearchQuery): LockerSummary[] {
  const here = q.lat !== undefined && q.lng !== undefined ? { lat: q.lat, lng: q.lng } : null;
  return here ? nearest(ctx, here, q) : byId(ctx, q);
}

const fits = (s: LockerSummary, size: Size | undefined) =>
  size === undefined || s.availability[size] > 0;

function nearest(
  ctx: Pick<CloudContext, 'db'>,
  here: { lat: number; lng: number },
  q: SearchQuery,
): LockerSummary[] {
  const seen = new Map<string, LockerSummary | null>();
  for (let radius = FIRST_RADIUS_M; ; radius *= 4) {
    const whole = radius >= HALF_EARTH_M;
    // Within the radius, by distance: every locker outside it is farther than all of these.
    const inside = lockersInBox(ctx.db, boxAround(here, radius))
      .map((p) => ({ id: p.id, d: Math.round(haversineM(here, p)) }))
      .filter((p) => whole || p.d <= radius)
      .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id));
    const found: LockerSummary[] = [];
    for (const p of inside) {
      if (!seen.has(p.id)) {
        const locker = getLocker(ctx.db, p.id);
        seen.set(p.id, locker ? lockerSummary(ctx, locker, p.d) : null);
      }
      const s = seen.get(p.id);
      if (s && fits(s, q.size)) found.push(s);
      if (found.length === q.limit) return found;
    }
    if (whole) return found;
  }
}

function byId(ctx: Pick<CloudContext, 'db'>, q: SearchQuery): LockerSummary[] {
  const found: LockerSummary[] = [];
  for (let after = ''; ;) {
    const ids = lockerIdsAfter(ctx.db, after, PAGE);
    for (const id of ids) {
      const locker = getLocker(ctx.db, id);
      const s = locker ? lockerSummary(ctx, locker, null) : null;
      if (s && fits(s, q.size)) found.push(s);
      if (found.length === q.limit) return found;
    }
    if (ids.length < PAGE) return found;
    after = ids.at(-1)!;
  }
}

/**
 * The smallest latitude/longitude box holding every point within `radiusM` of `c` on the
 * sphere (J. P. Matuschek, "Finding Points Within a Distance of a Latitude/Longitude").
 */
export function boxAround(c: { lat: number; lng: number }, radiusM: number): Box {
  const deg = (rad: number) => (rad * 180) / Math.PI;
  const angle = radiusM / EARTH_RADIUS_M;
  const lat: [number, number] = [c.lat - deg(angle), c.lat + deg(angle)];
  const phi = (c.lat * Math.PI) / 180;
  if (lat[0] <= -90 || lat[1] >= 90 || Math.sin(angle) >= Math.cos(phi))
    return { lat: [Math.max(lat[0], -90), Math.min(lat[1], 90)], lng: null };
  const dLng = deg(Math.asin(Math.sin(angle) / Math.cos(phi)));
  const lng: [number, number] = [c.lng - dLng, c.lng + dLng];
  // Across the antimeridian: every longitude (rare; correct, if wider than needed).
  if (lng[0] < -180 || lng[1] > 180) return { lat, lng: null };
  return { lat, lng };
}
