/** Queries on the owners table: which API key created an allocation or a return, and the customer's language. */
import type { CustomerLanguage } from '../../src/shared/rest/schemas';
import type { Db } from './database';
import { stmt } from './statements';

export type OwnedKind = 'allocation' | 'return';

export interface Owner {
  apiKeyId: string | null;
  language: CustomerLanguage;
}

export function insertOwner(db: Db, kind: OwnedKind, id: string, owner: Owner): void {
  stmt(db, 'INSERT OR IGNORE INTO owners (kind, id, api_key_id, language) VALUES (?, ?, ?, ?)').run(
    kind,
    id,
    owner.apiKeyId,
    owner.language,
  );
}

/** Null for one the cloud made itself (a deposit it was not told of). */
export function getOwner(db: Db, kind: OwnedKind, id: string): Owner | null {
  const r = stmt(db, 'SELECT api_key_id, language FROM owners WHERE kind = ? AND id = ?').get(
    kind,
    id,
  ) as { api_key_id: string | null; language: CustomerLanguage } | undefined;
  return r ? { apiKeyId: r.api_key_id, language: r.language } : null;
}

/** The allocation of the parcel a locker knows as `parcelId` (its own id or the sender's). */
export function allocationOfParcel(db: Db, lockerId: string, parcelId: string): string | null {
  const r = stmt(
    db,
    `SELECT allocation_id FROM parcels WHERE locker_id = ? AND (parcel_id = ? OR cloud_parcel_id = ?)
     ORDER BY parcel_id = ? DESC LIMIT 1`,
  ).get(lockerId, parcelId, parcelId, parcelId) as { allocation_id: string } | undefined;
  return r?.allocation_id ?? null;
}
