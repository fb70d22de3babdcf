/** Queries on the parcels table. */
import type { Dimensions, ParcelState } from '../../shared/domain';
import type { Db } from './database';
import { stmt } from './statements';

export interface Parcel {
  id: string;
  trackingBarcode: string;
  state: ParcelState;
  dimensions: Dimensions;
  weightG: number;
  accessible: boolean;
  /** HMAC-SHA256 of the pickup code; null until the cloud has issued one. */
  codeDigest: string | null;
  /** HMAC-SHA256 of the pickup QR payload (src/shared/qrToken.ts); null: no QR token. */
  qrDigest?: string | null;
  holdDays: number;
  compartmentId: string | null;
  /** False when a courier deposited it before the cloud's announcement reached the unit. */
  announced: boolean;
  depositedBy: string | null;
  expectedAt: number | null;
  depositedAt: number | null;
  expiresAt: number | null;
  closedAt: number | null;
}

interface Row {
  id: string;
  tracking_barcode: string;
  state: ParcelState;
  length_mm: number;
  width_mm: number;
  height_mm: number;
  weight_g: number;
  accessible: number;
  code_digest: string | null;
  qr_digest: string | null;
  hold_days: number;
  compartment_id: string | null;
  announced: number;
  deposited_by: string | null;
  expected_at: number | null;
  deposited_at: number | null;
  expires_at: number | null;
  closed_at: number | null;
}

const fromRow = (r: Row): Parcel => ({
  id: r.id,
  trackingBarcode: r.tracking_barcode,
  state: r.state,
  dimensions: { lengthMm: r.length_mm, widthMm: r.width_mm, heightMm: r.height_mm },
  weightG: r.weight_g,
  accessible: r.accessible === 1,
  codeDigest: r.code_digest,
  qrDigest: r.qr_digest,
  holdDays: r.hold_days,
  compartmentId: r.compartment_id,
  announced: r.announced === 1,
  depositedBy: r.deposited_by,
  expectedAt: r.expected_at,
  depositedAt: r.deposited_at,
  expiresAt: r.expires_at,
  closedAt: r.closed_at,
});

const toParams = (p: Parcel) => ({
  id: p.id,
  tracking_barcode: p.trackingBarcode,
  state: p.state,
  length_mm: p.dimensions.lengthMm,
  width_mm: p.dimensions.widthMm,
  height_mm: p.dimensions.heightMm,
  weight_g: p.weightG,
  accessible: p.accessible ? 1 : 0,
  code_digest: p.codeDigest,
  qr_digest: p.qrDigest ?? null,
  hold_days: p.holdDays,
  compartment_id: p.compartmentId,
  announced: p.announced ? 1 : 0,
  deposited_by: p.depositedBy,
  expected_at: p.expectedAt,
  deposited_at: p.depositedAt,
  expires_at: p.expiresAt,
  closed_at: p.closedAt,
});

const columns = [
  'id',
  'tracking_barcode',
  'state',
  'length_mm',
  'width_mm',
  'height_mm',
  'weight_g',
  'accessible',
  'code_digest',
  'qr_digest',
  'hold_days',
  'compartment_id',
  'announced',
  'deposited_by',
  'expected_at',
  'deposited_at',
  'expires_at',
  'closed_at',
] as const satisfies readonly (keyof ReturnType<typeof toParams>)[];

export function insertParcel(db: Db, parcel: Parcel): void {
  stmt(
    db,
    `INSERT INTO parcels (${columns.join(', ')}) VALUES (${columns.map((c) => '@' + c).join(', ')})`,
  ).run(toParams(parcel));
}

/** Writes back every field of a parcel read earlier (the services change a copy, then save it). */
export function saveParcel(db: Db, parcel: Parcel): void {
  const sets = columns.filter((c) => c !== 'id').map((c) => `${c} = @${c}`);
  stmt(db, `UPDATE parcels SET ${sets.join(', ')} WHERE id = @id`).run(toParams(parcel));
}

export function getParcel(db: Db, id: string): Parcel | undefined {
  const row = stmt(db, 'SELECT * FROM parcels WHERE id = ?').get(id) as Row | undefined;
  return row && fromRow(row);
}

/** A parcel by the id the cloud uses for it: its own, or the alias a merge gave it. */
export function findParcel(db: Db, id: string): Parcel | undefined {
  const row = stmt(
    db,
    'SELECT * FROM parcels WHERE id = ? OR cloud_parcel_id = ? ORDER BY id = ? DESC LIMIT 1',
  ).get(id, id, id) as Row | undefined;
  return row && fromRow(row);
}

/** The cloud's id for a parcel the unit knew first under its own (deposited offline). */
export function setCloudParcelId(db: Db, id: string, cloudParcelId: string): void {
  stmt(db, 'UPDATE parcels SET cloud_parcel_id = ? WHERE id = ?').run(cloudParcelId, id);
}

/** Parcels still in play (not picked up, collected or cancelled) holding this code digest. */
export function activeParcelsWithCode(db: Db, codeDigest: string): Parcel[] {
  const rows = stmt(
    db,
    `SELECT * FROM parcels WHERE code_digest = ? AND state IN ('expected','deposited','expired')`,
  ).all(codeDigest) as Row[];
  return rows.map(fromRow);
}

/** The parcel a courier's scan refers to: the newest one with that barcode still in play. */
export function findParcelByBarcode(db: Db, barcode: string): Parcel | undefined {
  const row = stmt(
    db,
    `SELECT * FROM parcels WHERE tracking_barcode = ? AND state IN ('expected','deposited','expired')
       ORDER BY rowid DESC LIMIT 1`,
  ).get(barcode) as Row | undefined;
  return row && fromRow(row);
}

/** What a customer's digest was made from: a typed pickup code, or a scanned QR token. */
export type DigestOf = 'code' | 'qr';

/**
 * The parcel waiting for its customer (deposited, or expired and kept) whose pickup code or QR
 * token has this digest, found through its index (migration 11); the oldest one should two
 * ever share a digest.
 */
export function parcelForPickup(db: Db, of: DigestOf, digest: string): Parcel | undefined {
  const sql =
    of === 'code'
      ? `SELECT * FROM parcels INDEXED BY parcels_by_code_digest WHERE code_digest = ?
           AND state IN ('deposited','expired') ORDER BY rowid LIMIT 1`
      : `SELECT * FROM parcels INDEXED BY parcels_by_qr_digest WHERE qr_digest = ?
           AND state IN ('deposited','expired') ORDER BY rowid LIMIT 1`;
  const row = stmt(db, sql).get(digest) as Row | undefined;
  return row && fromRow(row);
}

export function listParcelsInState(db: Db, ...states: ParcelState[]): Parcel[] {
  const rows = stmt(
    db,
    `SELECT * FROM parcels WHERE state IN (${states.map(() => '?').join(',')}) ORDER BY rowid`,
  ).all(...states) as Row[];
  return rows.map(fromRow);
}

export function parcelInCompartment(db: Db, compartmentId: string): Parcel | undefined {
  const row = stmt(
    db,
    `SELECT * FROM parcels WHERE compartment_id = ? AND state IN ('deposited','expired')`,
  ).get(compartmentId) as Row | undefined;
  return row && fromRow(row);
}

export function listDueToExpire(db: Db, now: number): Parcel[] {
  const rows = stmt(
    db,
    `SELECT * FROM parcels WHERE state = 'deposited' AND expires_at <= ? ORDER BY expires_at`,
  ).all(now) as Row[];
  return rows.map(fromRow);
}
