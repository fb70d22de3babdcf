/**
 * The pickup codes of the parcels waiting at the locker, as the cloud sent them to their
 * customers: printed by `npm start` on every start, so the demo can be played again after a
 * restart (not only after the first start's walkthrough).
 */
import type { Kiosk } from '../kiosk';
import { listParcelsInState } from '../store/parcels';
import type { CloudClient } from './cloudClient';

export interface WaitingCode {
  parcelId: string;
  code: string;
}

export async function waitingCodes(
  kiosk: Pick<Kiosk, 'db'>,
  cloud: Pick<CloudClient, 'notifications'>,
  lockerId: string,
): Promise<WaitingCode[]> {
  const waiting = listParcelsInState(kiosk.db, 'deposited').map((p) => p.id);
  if (waiting.length === 0) return [];
  // The newest code per parcel: a code the cloud issued again replaces the earlier one.
  const latest = new Map<string, { code: string; id: number }>();
  for (const n of (await cloud.notifications({ lockerId })).notifications) {
    if (n.kind !== 'pickup_code' || !n.parcelId || !n.code) continue;
    const seen = latest.get(n.parcelId);
    if (!seen || n.id > seen.id) latest.set(n.parcelId, { code: n.code, id: n.id });
  }
  return waiting.flatMap((parcelId) => {
    const found = latest.get(parcelId);
    return found ? [{ parcelId, code: found.code }] : [];
  });
}
