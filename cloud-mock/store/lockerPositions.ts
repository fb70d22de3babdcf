/**
 * Where lockers are, for search near a point: ids and positions inside a latitude/longitude box,
 * read from the index alone (lockers_by_position, migration 013), and ids in order for a search
 * without a point.
 */
import type { Db } from './database';
import { stmt } from './statements';

export interface LockerPosition {
  id: string;
  lat: number;
  lng: number;
}

/** A box on the map; `lng` null: every longitude (near a pole, or across the antimeridian). */
export interface Box {
  lat: [number, number];
  lng: [number, number] | null;
}

export function lockersInBox(db: Db, box: Box): LockerPosition[] {
  if (box.lng === null)
    return stmt(db, lockersInBox.latOnly).all(box.lat[0], box.lat[1]) as LockerPosition[];
  return stmt(db, lockersInBox.sql).all(
    box.lat[0],
    box.lat[1],
    box.lng[0],
    box.lng[1],
  ) as LockerPosition[];
}
lockersInBox.sql = `SELECT id, lat, lng FROM lockers
  WHERE lat BETWEEN ? AND ? AND lng BETWEEN ? AND ?`;
lockersInBox.latOnly = `SELECT id, lat, lng FROM lockers WHERE lat BETWEEN ? AND ?`;

/** Up to `limit` locker ids after `afterId`, in id order (the primary key). */
export function lockerIdsAfter(db: Db, afterId: string, limit: number): string[] {
  return (stmt(db, lockerIdsAfter.sql).all(afterId, limit) as { id: string }[]).map((r) => r.id);
}
lockerIdsAfter.sql = `SELECT id FROM lockers WHERE id > ? ORDER BY id LIMIT ?`;
