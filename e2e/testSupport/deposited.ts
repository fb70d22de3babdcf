/**
 * Setup for customer journeys: the cloud announces a parcel and a courier deposits it through
 * KioskCore (the courier screens are tested apart). The simulated bus may still be connecting
 * right after start-up ("doors_unavailable": nothing was pulsed), so that answer is waited out.
 */
import { expect } from '@playwright/test';
import type { Locker } from '../fixtures';

export async function deposited(
  locker: Locker,
  id: string,
  holdDays?: number,
): Promise<{ code: string; door: string }> {
  const code = locker.announce({ id, heightMm: 60, ...(holdDays ? { holdDays } : {}) });
  const courier = { role: 'courier' as const, subject: 'setup' };
  let door = '';
  await expect
    .poll(async () => {
      const started = await locker.kiosk.core.deposits.start(courier, `TRK${id.toUpperCase()}`);
      if (started.ok) door = started.value.compartmentId;
      else if (started.error.reason !== 'doors_unavailable')
        throw new Error(JSON.stringify(started.error));
      return started.ok;
    })
    .toBe(true);
  await locker.closeDoor(door, true);
  return { code, door };
}
