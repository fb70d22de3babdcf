/**
 * Benchmark support: an outbox backlog shaped like a busy offline day, the events of past
 * deposits and pickups (announcement, reservation, pulse, door open and shut, deposit; then
 * authorization, pulse, door open and shut, pickup), signed and chained by the kiosk's own
 * audit log. History only: the parcels they name are long gone, so no state changes with them.
 */
import type { KioskConfig } from '../../src/main/config/kioskConfig';
import type { AuditLog } from '../../src/main/services/auditLog';
import type { Db } from '../../src/main/store/database';

const PER_TRANSACTION = 500;

/** Appends in transactions of 500, yielding in between as a day's worth of commits would. */
export async function appendHistory(
  audit: AuditLog,
  db: Db,
  config: KioskConfig,
  count: number,
): Promise<void> {
  let appended = 0;
  let parcel = 0;
  const append: AuditLog['append'] = (type, payload) => {
    appended += 1;
    return audit.append(type, payload);
  };
  while (appended < count) {
    db.transaction(() => {
      const until = Math.min(count, appended + PER_TRANSACTION);
      while (appended < until) pastParcel(++parcel, config, append, until - appended);
    })();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** One parcel's life, cut short after `room` events. */
function pastParcel(
  n: number,
  config: KioskConfig,
  append: AuditLog['append'],
  room: number,
): void {
  const compartmentId = config.compartments[n % config.compartments.length]!.id;
  const parcelId = `past-${n}`;
  const trackingBarcode = `TRKPAST${n}`;
  const deposit = { compartmentId, operation: 'deposit' as const, operationId: 2 * n };
  const pickup = { compartmentId, operation: 'pickup' as const, operationId: 2 * n + 1 };
  const life: (() => void)[] = [
    () =>
      append('parcel.expected', {
        parcelId,
        trackingBarcode,
        dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 },
        weightG: 1200,
        holdDays: 3,
      }),
    () =>
      append('deposit.reserved', {
        parcelId,
        trackingBarcode,
        compartmentId,
        size: 'M',
        courier: 'courier:bench-courier',
        announced: true,
      }),
    () => append('lock.pulsed', { ...deposit, attempt: 1, acknowledged: true }),
    () => append('door.opened', deposit),
    () => append('door.closed', deposit),
    () =>
      append('parcel.deposited', {
        parcelId,
        trackingBarcode,
        compartmentId,
        courier: 'courier:bench-courier',
        expiresAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
        announced: true,
      }),
    () => append('pickup.authorized', { parcelId, compartmentId, method: 'code' }),
    () => append('lock.pulsed', { ...pickup, attempt: 1, acknowledged: true }),
    () => append('door.opened', pickup),
    () => append('door.closed', pickup),
    () => append('parcel.picked_up', { parcelId, compartmentId }),
  ];
  for (const step of life.slice(0, room)) step();
}
