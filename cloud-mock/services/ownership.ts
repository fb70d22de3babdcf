/**
 * Who may act on an allocation or a return: an operator on any, a merchant on those its key
 * created. Another's answers as if it did not exist (404), so ids cannot be probed.
 */
import type { ApiKeyRecord } from '../store/apiKeys';
import type { Db } from '../store/database';
import { getOwner, type OwnedKind } from '../store/owners';
import { notFound } from './refusal';

export function mayActOn(
  db: Db,
  caller: Pick<ApiKeyRecord, 'id' | 'role'> | null,
  kind: OwnedKind,
  id: string,
): boolean {
  if (caller === null || caller.role === 'operator') return true;
  return getOwner(db, kind, id)?.apiKeyId === caller.id;
}

/** The 404 a caller gets for another's allocation or return. */
export const notYours = (kind: OwnedKind) => notFound(kind);
