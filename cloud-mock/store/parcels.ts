/** Queries on the parcels table: allocations and the parcels they become. */
import type { Dimensions, ParcelState, Size } from '../../src/shared/domain';
import type { Db } from './database';
import { stmt } from './statements';

export interface CloudParcel {
  allocationId: string;
  lockerId: string;
  /** The unit's id for the parcel: what its events and the cloud's commands name. */
  parcelId: string;
  /** The id the sender allocated it under, when the unit names it differently (merged). */
  cloudParcelId: string | null;
  trackingBarcode: string;
  state: ParcelState;
  /** The size capacity was promised in; null for a deposit the cloud was not told of. */
  size: Size | null;
  dimensions: Dimensions | null;
  weightG: number | null;
  accessible: boolean;
  /** JSON of the customer contact; null when the cloud never had one. */
  customer: string | null;
  holdDays: number;
  /** Kept to notify the customer at deposit; cleared once the parcel is closed. */
  pickupCode: string | null;
  codeDigest: string | null;
  /** The QR issued with the code (`LKP2:…`), kept and cleared like it; null before QRs. */
  qrPayload: string | null;
  compartmentId: string | null;
  announced: boolean;
  createdAt: number;
  /** An allocation not deposited by then is cancelled and its capacity released. */
  lapsesAt: number;
  depositedAt: number | null;
  expiresAt: number | null;
  closedAt: number | null;
  /**
   * Cancelled or lapsed here, and the unit has not confirmed it yet: its compartment stays
   * promised until it does (migration 011). Null otherwise.
   */
  releasePending: 'cancel' | 'lapse' | null;
  /** What the locker last refused of this parcel, in words for the merchant; null: nothing. */
  lockerRefusal: string | null;
  /** The locker it was deposited at instead of this one; null: not misdelivered. */
  misdeliveredTo: string | null;
}

interface Row {
  allocation_id: string;
  locker_id: string;
  parcel_id: string;
  cloud_parcel_id: string | null;
  tracking_barcode: string;
  state: ParcelState;
  size: Size | null;
  length_mm: number | null;
  width_mm: number | null;
  height_mm: number | null;
  weight_g: number | null;
  accessible: number;
  customer: string | null;
  hold_days: number;
  pickup_code: string | null;
  code_digest: string | null;
  qr_payload: string | null;
  compartment_id: string | null;
  announced: number;
  created_at: number;
  lapses_at: number;
  deposited_at: number | null;
  expires_at: number | null;
  closed_at: number | null;
  release_pending: 'cancel' | 'lapse' | null;
  locker_refusal: string | null;
  misdelivered_to: string | null;
}

const fromRow = (r: Row): CloudParcel => ({
  allocationId: r.allocation_id,
  lockerId: r.locker_id,
  parcelId: r.parcel_id,
  cloudParcelId: r.cloud_parcel_id,
  trackingBarcode: r.tracking_barcode,
  state: r.state,
  size: r.size,
  dimensions:
    r.length_mm === null || r.width_mm === null || r.height_mm === null
      ? null
      : { lengthMm: r.length_mm, widthMm: r.width_mm, heightMm: r.height_mm },
  weightG: r.weight_g,
  accessible: r.accessible === 1,
  customer: r.customer,
  holdDays: r.hold_days,
  pickupCode: r.pickup_code,
  codeDigest: r.code_digest,
  qrPayload: r.qr_payload,
  compartmentId: r.compartment_id,
  announced: r.announced === 1,
  createdAt: r.created_at,
  lapsesAt: r.lapses_at,
  depositedAt: r.deposited_at,
  expiresAt: r.expires_at,
  closedAt: r.closed_at,
  releasePending: r.release_pending,
  lockerRefusal: r.locker_refusal,
  misdeliveredTo: r.misdelivered_to,
});

const toParams = (p: CloudParcel) => ({
  allocation_id: p.allocationId,
  locker_id: p.lockerId,
  parcel_id: p.parcelId,
  cloud_parcel_id: p.cloudParcelId,
  tracking_barcode: p.trackingBarcode,
  state: p.state,
  size: p.size,
  length_mm: p.dimensions?.lengthMm ?? null,
  width_mm: p.dimensions?.widthMm ?? null,
  height_mm: p.dimensions?.heightMm ?? null,
  weight_g: p.weightG,
  accessible: p.accessible ? 1 : 0,
  customer: p.customer,
  hold_days: p.holdDays,
  pickup_code: p.pickupCode,
  code_digest: p.codeDigest,
  qr_payload: p.qrPayload,
  compartment_id: p.compartmentId,
  announced: p.announced ? 1 : 0,
  created_at: p.createdAt,
  lapses_at: p.lapsesAt,
  deposited_at: p.depositedAt,
  expires_at: p.expiresAt,
  closed_at: p.closedAt,
  release_pending: p.releasePending,
  locker_refusal: p.lockerRefusal,
  misdelivered_to: p.misdeliveredTo,
});

const COLUMNS = Object.keys(toParams({} as CloudParcel));

export function insertParcel(db: Db, p: CloudParcel): void {
  stmt(
    db,
    `INSERT INTO parcels (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => '@' + c).join(', ')})`,
  ).run(toParams(p));
}

export function saveParcel(db: Db, p: CloudParcel): void {
  const sets = COLUMNS.filter((c) => c !== 'allocation_id').map((c) => `${c} = @${c}`);
  stmt(db, `UPDATE parcels SET ${sets.join(', ')} WHERE allocation_id = @allocation_id`).run(
    toParams(p),
  );
}

export function getParcel(db: Db, allocationId: string): CloudParcel | null {
  const row = stmt(db, 'SELECT * FROM parcels WHERE allocation_id = ?').get(allocationId) as
    Row | undefined;
  return row ? fromRow(row) : null;
}

/** By the unit's id or, for a merged parcel, the id the sender allocated it under. */
export function getParcelByParcelId(
  db: Db,
  lockerId: string,
  parcelId: string,
): CloudParcel | null {
  const row = stmt(
    db,
    `SELECT * FROM parcels WHERE locker_id = ? AND (parcel_id = ? OR cloud_parcel_id = ?)
       ORDER BY parcel_id = ? DESC LIMIT 1`,
  ).get(lockerId, parcelId, parcelId, parcelId) as Row | undefined;
  return row ? fromRow(row) : null;
}

export function deleteParcel(db: Db, allocationId: string): void {
  stmt(db, 'DELETE FROM parcels WHERE allocation_id = ?').run(allocationId);
}

export function listParcels(db: Db, lockerId: string): CloudParcel[] {
  return (
    stmt(db, 'SELECT * FROM parcels WHERE locker_id = ? ORDER BY created_at DESC, parcel_id').all(
      lockerId,
    ) as Row[]
  ).map(fromRow);
}

export function listParcelsInState(db: Db, states: readonly ParcelState[]): CloudParcel[] {
  return (
    stmt(db, `SELECT * FROM parcels WHERE state IN (${states.map(() => '?').join(', ')})`).all(
      ...states,
    ) as Row[]
  ).map(fromRow);
}

/**
 * The parcels holding a compartment at one locker: expected, or cancelled or lapsed without
 * the unit's confirmation yet (through parcels_holding).
 */
export function listHoldingParcels(db: Db, lockerId: string): CloudParcel[] {
  return (
    stmt(
      db,
      `SELECT * FROM parcels WHERE locker_id = ?
         AND size IS NOT NULL AND (state = 'expected' OR release_pending IS NOT NULL)`,
    ).all(lockerId) as Row[]
  ).map(fromRow);
}

/** Parcels holding a compartment per size at one locker: capacity already promised. */
export function countExpectedBySize(db: Db, lockerId: string): Map<Size, number> {
  const counts = new Map<Size, number>();
  for (const p of listHoldingParcels(db, lockerId))
    if (p.size !== null) counts.set(p.size, (counts.get(p.size) ?? 0) + 1);
  return counts;
}

/** The newest expected parcel with this barcode at any locker (a courier's wrong locker). */
export function findExpectedByBarcodeAnywhere(db: Db, trackingBarcode: string): CloudParcel | null {
  const row = stmt(
    db,
    `SELECT * FROM parcels WHERE state = 'expected' AND tracking_barcode = ?
       ORDER BY created_at DESC, parcel_id LIMIT 1`,
  ).get(trackingBarcode) as Row | undefined;
  return row ? fromRow(row) : null;
}

/** Whether a parcel of the locker that can still be picked up has this code digest. */
export function hasActiveParcelDigest(db: Db, lockerId: string, digest: string): boolean {
  return (
    stmt(
      db,
      `SELECT 1 FROM parcels WHERE locker_id = ? AND code_digest = ?
       AND state IN ('expected','deposited','expired')`,
    ).get(lockerId, digest) !== undefined
  );
}

/**
 * The newest expected parcel of a locker with this tracking barcode, or null. Reads only the
 * locker's expected parcels (through parcels_by_state), however long its history.
 */
export function findExpectedByBarcode(
  db: Db,
  lockerId: string,
  trackingBarcode: string,
): CloudParcel | null {
  const row = stmt(db, findExpectedByBarcode.sql).get(lockerId, trackingBarcode) as Row | undefined;
  return row ? fromRow(row) : null;
}
findExpectedByBarcode.sql = `SELECT * FROM parcels
  WHERE state = 'expected' AND locker_id = ? AND tracking_barcode = ?
  ORDER BY created_at DESC, parcel_id LIMIT 1`;

// The scheduler's due work, each read by its due time through its own partial index
// (migration 013), soonest first, a page at a time: handling an item takes it out of the set.

/** Expected parcels whose allocation lapsed by `now` (parcels_lapse_due). */
export function dueToLapse(db: Db, now: number, limit: number): CloudParcel[] {
  return (stmt(db, dueToLapse.sql).all(now, limit) as Row[]).map(fromRow);
}
dueToLapse.sql = `SELECT * FROM parcels WHERE state = 'expected' AND lapses_at <= ?
  ORDER BY lapses_at LIMIT ?`;

/** Deposited parcels whose hold ended by `now` (parcels_expiry_due). */
export function dueToExpire(db: Db, now: number, limit: number): CloudParcel[] {
  return (stmt(db, dueToExpire.sql).all(now, limit) as Row[]).map(fromRow);
}
dueToExpire.sql = `SELECT * FROM parcels WHERE state = 'deposited' AND expires_at <= ?
  ORDER BY expires_at LIMIT ?`;

/** Deposited parcels not reminded yet, deposited at or before `before` (parcels_reminder_due). */
export function dueForReminder(db: Db, before: number, limit: number): CloudParcel[] {
  return (stmt(db, dueForReminder.sql).all(before, limit) as Row[]).map(fromRow);
}
dueForReminder.sql = `SELECT * FROM parcels
  WHERE state = 'deposited' AND reminded_at IS NULL AND deposited_at <= ?
  ORDER BY deposited_at LIMIT ?`;

/** Deposited parcels expiring by `before` not yet warned of that expiry (parcels_warning_due). */
export function dueForWarning(db: Db, before: number, limit: number): CloudParcel[] {
  return (stmt(db, dueForWarning.sql).all(before, limit) as Row[]).map(fromRow);
}
dueForWarning.sql = `SELECT * FROM parcels
  WHERE state = 'deposited' AND warned_expiry IS NOT expires_at AND expires_at <= ?
  ORDER BY expires_at LIMIT ?`;

export function markReminded(db: Db, allocationId: string, at: number): void {
  stmt(db, 'UPDATE parcels SET reminded_at = ? WHERE allocation_id = ?').run(at, allocationId);
}

/** The warning went out for this expiry: an extension (a new expiry) earns another. */
export function markWarned(db: Db, allocationId: string, expiresAt: number): void {
  stmt(db, 'UPDATE parcels SET warned_expiry = ? WHERE allocation_id = ?').run(
    expiresAt,
    allocationId,
  );
}
