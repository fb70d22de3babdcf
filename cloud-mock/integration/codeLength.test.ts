/**
 * The code length as a per-locker policy, end to end: the real cloud-mock issues codes at the
 * locker's length, changes it with PUT /api/v1/lockers/{id}/policy (config.update to the real
 * kiosk), and every code it issued opens its door at the real kiosk, whatever the length was
 * when it was issued.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockerDetail, LockerPolicyResponse } from '../../src/shared/rest/schemas';
import {
  allocation,
  enrolledKiosk,
  pickupCode,
  startStand,
  until,
  type CloudStand,
  type StandKiosk,
} from './stand';

const JOURNEY_MS = 180_000;

describe.each(['aedes', 'mosquitto'] as const)('code length on %s', (kind) => {
  let stand: CloudStand;
  const kiosks: StandKiosk[] = [];

  beforeAll(async () => {
    stand = await startStand(kind);
  });
  afterAll(async () => {
    for (const k of kiosks.splice(0)) await k.close();
    await stand.close();
  });

  const kiosk = async (name: string, codeLength?: number): Promise<StandKiosk> => {
    const k = await enrolledKiosk(stand, `it-${kind}-${name}`, codeLength ? { codeLength } : {});
    kiosks.push(k);
    return k;
  };
  const courierOf = async (k: StandKiosk) =>
    k.login((await stand.badge('courier', `courier-${k.lockerId}`)).token);

  /** PUT …/policy, then waits for the kiosk to have applied the config.update it sent. */
  async function setLength(k: StandKiosk, codeLength: number): Promise<void> {
    const r = await stand.call<LockerPolicyResponse>(
      'PUT',
      `/api/v1/lockers/${k.lockerId}/policy`,
      { codeLength },
    );
    await until(() => stand.commandStatus(r.commandId)?.status === 'done', 'config.update done');
    expect(k.kiosk.core.codeLength()).toBe(codeLength);
  }

  /** The cloud allocates, the courier deposits at the kiosk; the code the customer got. */
  async function deposited(k: StandKiosk, parcelId: string): Promise<string> {
    await stand.call('POST', '/api/v1/allocations', allocation(k.lockerId, parcelId), 201);
    await until(() => k.parcel(parcelId)?.state === 'expected', `${parcelId} expected`);
    await k.deposit(await courierOf(k), `TRK${parcelId.toUpperCase()}`);
    return pickupCode(stand, parcelId);
  }

  const cloudState = async (k: StandKiosk, parcelId: string) =>
    (await stand.call<LockerDetail>('GET', `/api/v1/lockers/${k.lockerId}`)).parcels.find(
      (p) => p.parcelId === parcelId,
    )?.state;

  it(
    'a code the cloud issues opens its door at every allowed length, 6 to 10',
    async () => {
      const k = await kiosk('lengths');
      for (const length of [6, 7, 8, 9, 10]) {
        await setLength(k, length);
        const parcelId = `p-len-${length}`;
        const code = await deposited(k, parcelId);
        expect(code).toMatch(new RegExp(`^[0-9]{${length}}$`));
        await k.pickUp(code);
        await until(
          async () => (await cloudState(k, parcelId)) === 'picked_up',
          `the cloud sees ${parcelId} picked up`,
        );
      }
    },
    JOURNEY_MS,
  );

  it(
    'a length given at provisioning reaches the unit; codes issued before a change still open their doors',
    async () => {
      const k = await kiosk('change', 8);
      await until(() => k.kiosk.core.codeLength() === 8, 'config.update from provisioning');
      const before = await deposited(k, 'p-before');
      expect(before).toMatch(/^[0-9]{8}$/);

      await setLength(k, 6);
      const after = await deposited(k, 'p-after');
      expect(after).toMatch(/^[0-9]{6}$/);
      expect(
        (await stand.call<LockerDetail>('GET', `/api/v1/lockers/${k.lockerId}`)).codeLength,
      ).toBe(6);

      // The 8-digit code was in the customer's hands when the length changed: it still opens.
      await k.pickUp(before);
      await k.pickUp(after);
      for (const parcelId of ['p-before', 'p-after'])
        await until(
          async () => (await cloudState(k, parcelId)) === 'picked_up',
          `the cloud sees ${parcelId} picked up`,
        );
    },
    JOURNEY_MS,
  );
});
