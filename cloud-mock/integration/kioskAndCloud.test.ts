/**
 * The real kiosk (startKiosk on simulated hardware, enrolling by itself) against the real
 * cloud-mock, on cloud-mock's embedded aedes and on a real Mosquitto: the journeys of a parcel,
 * offline operation, unannounced deposits, remote opening and badge revocation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AllocationResponse,
  LockerDetail,
  RevokeResponseSchema,
} from '../../src/shared/rest/schemas';
import type { z } from 'zod';
import { getReturn } from '../../src/main/store/returns';
import { expectChainDelivered } from './chain';
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

describe.each(['aedes', 'mosquitto'] as const)('kiosk and cloud-mock on %s', (kind) => {
  let stand: CloudStand;
  const kiosks: StandKiosk[] = [];

  beforeAll(async () => {
    stand = await startStand(kind);
  });
  afterAll(async () => {
    for (const k of kiosks.splice(0)) await k.close();
    await stand.close();
  });

  const kiosk = async (name: string): Promise<StandKiosk> => {
    const k = await enrolledKiosk(stand, `it-${kind}-${name}`);
    kiosks.push(k);
    return k;
  };
  const detail = (k: StandKiosk) =>
    stand.call<LockerDetail>('GET', `/api/v1/lockers/${k.lockerId}`);
  const cloudParcel = async (k: StandKiosk, parcelId: string) =>
    (await detail(k)).parcels.find((p) => p.parcelId === parcelId);
  const allocate = (k: StandKiosk, parcelId: string) =>
    stand.call<AllocationResponse>(
      'POST',
      '/api/v1/allocations',
      allocation(k.lockerId, parcelId),
      201,
    );

  it(
    'enrols by itself, receives an allocation, reports the deposit, takes the code and the pickup; the chain verifies',
    async () => {
      const k = await kiosk('flow');
      await until(
        async () => (await detail(k)).presence.status === 'online',
        'the cloud sees the kiosk online',
      );
      expect((await detail(k)).enrolled).toBe(true);

      const allocated = await allocate(k, 'p-flow-1');
      await until(
        () => k.parcel('p-flow-1')?.state === 'expected',
        'parcel.expect reached the kiosk',
      );
      expect(k.parcel('p-flow-1')).toMatchObject({
        announced: true,
        trackingBarcode: 'TRKP-FLOW-1',
      });

      const courier = k.login((await stand.badge('courier', 'courier-flow')).token);
      const { compartmentId } = await k.deposit(courier, 'TRKP-FLOW-1');
      expect(k.compartment(compartmentId).size).toBe(allocated.size);

      const code = await pickupCode(stand, 'p-flow-1');
      const [sent] = (await stand.notifications('parcelId=p-flow-1')).filter(
        (n) => n.kind === 'pickup_code',
      );
      expect(sent!.to).toEqual(expect.arrayContaining(['+49 30 1234567', 'ada@example.org']));
      expect(sent!.qrPayload).toMatch(/^LKP2:[A-Za-z0-9_-]{22}$/);
      expect(await cloudParcel(k, 'p-flow-1')).toMatchObject({ state: 'deposited', compartmentId });

      await k.pickUp(code);
      await until(
        async () => (await cloudParcel(k, 'p-flow-1'))?.state === 'picked_up',
        'the cloud sees the parcel picked up',
      );
      await until(
        async () =>
          (await stand.notifications('parcelId=p-flow-1')).some((n) => n.kind === 'picked_up'),
        'picked-up notification',
      );
      await expectChainDelivered(stand, k);
    },
    JOURNEY_MS,
  );

  it(
    'deposits and pickups while the broker is down reach the cloud once and in order when it is back',
    async () => {
      const k = await kiosk('offline');
      for (const id of ['p-off-1', 'p-off-2', 'p-off-3']) await allocate(k, id);
      await until(
        () => ['p-off-1', 'p-off-2', 'p-off-3'].every((id) => k.parcel(id)?.state === 'expected'),
        'three parcels expected at the kiosk',
      );
      const courier = k.login((await stand.badge('courier', 'courier-off')).token);
      await k.deposit(courier, 'TRKP-OFF-1');
      const code1 = await pickupCode(stand, 'p-off-1');
      await expectChainDelivered(stand, k);
      const deliveredBefore = k.head();

      await stand.down();
      await until(() => !k.online(), 'the kiosk notices the broker is gone');
      await k.deposit(courier, 'TRKP-OFF-2');
      await k.deposit(courier, 'TRKP-OFF-3');
      await k.pickUp(code1);
      expect(k.acked()).toBe(deliveredBefore);
      expect(k.head()).toBeGreaterThan(deliveredBefore);
      expect(k.kiosk.cloud!.status()).toMatchObject({
        connection: expect.not.stringMatching(/^online$/) as unknown,
        backlog: k.head() - deliveredBefore,
      });
      if (kind === 'mosquitto') {
        // cloud-mock itself is still up: it has nothing past what it had.
        expect((await stand.audit(k.lockerId)).lastSeq).toBe(deliveredBefore);
      }

      await stand.up();
      await until(() => k.online(), 'the kiosk reconnects', 120_000);
      await expectChainDelivered(stand, k);
      const code2 = await pickupCode(stand, 'p-off-2');
      await pickupCode(stand, 'p-off-3');
      await k.pickUp(code2);
      await until(
        async () => (await cloudParcel(k, 'p-off-2'))?.state === 'picked_up',
        'the cloud sees p-off-2 picked up',
      );
      const cloud = await detail(k);
      const state = (id: string) => cloud.parcels.find((p) => p.parcelId === id)?.state;
      expect([state('p-off-1'), state('p-off-2'), state('p-off-3')]).toEqual([
        'picked_up',
        'picked_up',
        'deposited',
      ]);
      // One code per parcel: the resent backlog did not notify anyone twice.
      for (const id of ['p-off-1', 'p-off-2', 'p-off-3']) {
        const codes = (await stand.notifications(`parcelId=${id}`)).filter(
          (n) => n.kind === 'pickup_code',
        );
        expect(codes).toHaveLength(1);
      }
      await expectChainDelivered(stand, k);
    },
    JOURNEY_MS,
  );

  it(
    'a parcel the cloud was not told of gets its code from the cloud, and the customer picks it up',
    async () => {
      const k = await kiosk('unannounced');
      const courier = k.login((await stand.badge('courier', 'courier-un')).token);
      const { parcelId, compartmentId } = await k.deposit(courier, 'TRKUNANNOUNCED1', 'M');
      expect(k.compartment(compartmentId).size).toBe('M');
      expect(k.parcel(parcelId)).toMatchObject({ announced: false });
      await until(() => k.parcel(parcelId)?.codeDigest != null, 'parcel.code reached the kiosk');

      const code = await pickupCode(stand, parcelId);
      const [sent] = (await stand.notifications(`parcelId=${parcelId}`)).filter(
        (n) => n.kind === 'pickup_code',
      );
      expect(sent!.to).toEqual(['carrier:TRKUNANNOUNCED1']);
      expect(await cloudParcel(k, parcelId)).toMatchObject({
        announced: false,
        state: 'deposited',
        compartmentId,
      });

      await k.pickUp(code);
      await until(
        async () => (await cloudParcel(k, parcelId))?.state === 'picked_up',
        'the cloud sees the unannounced parcel picked up',
      );
      await expectChainDelivered(stand, k);
    },
    JOURNEY_MS,
  );

  it(
    'a cancelled allocation and a cancelled return are let go once the kiosk confirms them, and the return code is dead at the kiosk',
    async () => {
      const k = await kiosk('cancel');
      await until(
        async () => (await detail(k)).presence.status === 'online',
        'the cloud sees the kiosk online',
      );
      const before = (await detail(k)).availability;
      const allocated = await allocate(k, 'p-cancel-1');
      const ret = await stand.call<{ returnId: string }>(
        'POST',
        '/api/v1/returns',
        { lockerId: k.lockerId, size: 'M', customer: { name: 'Ada', email: 'ada@example.org' } },
        201,
      );
      await until(() => k.parcel('p-cancel-1')?.state === 'expected', 'parcel.expect applied');
      await until(() => getReturn(k.kiosk.db, ret.returnId) !== undefined, 'return.expect applied');

      const cancelled = await stand.call<{ commandId: string }>(
        'POST',
        `/api/v1/allocations/${allocated.allocationId}/cancel`,
      );
      const returnCancelled = await stand.call<{ commandId: string }>(
        'POST',
        `/api/v1/returns/${ret.returnId}/cancel`,
      );
      await until(
        () =>
          stand.commandStatus(cancelled.commandId)?.status === 'done' &&
          stand.commandStatus(returnCancelled.commandId)?.status === 'done',
        'both cancels confirmed by the kiosk',
      );
      expect(k.parcel('p-cancel-1')?.state).toBe('cancelled');
      expect(getReturn(k.kiosk.db, ret.returnId)).toBeUndefined();
      const after = await detail(k);
      expect(after.availability).toEqual(before);
      expect(after.parcels.find((p) => p.parcelId === 'p-cancel-1')).toMatchObject({
        state: 'cancelled',
        pending: null,
      });
      expect(after.returns.find((r) => r.returnId === ret.returnId)).toMatchObject({
        state: 'cancelled',
        pending: null,
      });
    },
    JOURNEY_MS,
  );

  it(
    'a remote open opens the door and its result comes back; a revoked badge is refused at login',
    async () => {
      const k = await kiosk('remote');
      const sim = k.kiosk.devices.simulation!.bus.sim;
      const b2 = k.compartment('B2');
      const simDoorOpen = () =>
        sim.boards().find((b) => b.board === b2.board)!.locks[b2.lock - 1]!.doorOpen;
      expect(simDoorOpen()).toBe(false);

      const { commandId } = await stand.call<{ commandId: string }>(
        'POST',
        `/api/v1/lockers/${k.lockerId}/open`,
        { compartmentId: 'B2', reason: 'inspection after a complaint', requestedBy: 'ops-anna' },
        202,
      );
      await until(simDoorOpen, 'the simulator shows door B2 open');
      await until(() => stand.commandStatus(commandId)?.status === 'done', 'command.result ok');
      const result = stand
        .storedEvents(k.lockerId)
        .find((e) => e.type === 'command.result' && e.event.payload.commandId === commandId);
      expect(result?.event.payload).toMatchObject({ type: 'door.open_remote', ok: true });
      const opened = k
        .events()
        .filter((e) => e.type === 'staff.door_opened')
        .map((e) => (JSON.parse(e.body) as { payload: Record<string, unknown> }).payload);
      expect(opened).toEqual([
        { compartmentId: 'B2', actor: 'cloud:ops-anna', reason: 'inspection after a complaint' },
      ]);
      await k.shut('B2', false);

      const badge = await stand.badge('courier', 'courier-leaving');
      expect(k.login(badge.token)).toEqual({ role: 'courier', subject: 'courier-leaving' });
      const revoked = await stand.call<z.infer<typeof RevokeResponseSchema>>(
        'POST',
        `/api/v1/badges/${badge.badgeId}/revoke`,
      );
      expect(revoked.revoked).toBe(true);
      await until(() => k.badgeRevoked(badge.badgeId), 'credentials.revoke reached the kiosk');
      expect(k.kiosk.core.credentials.login(badge.token)).toEqual({ ok: false, error: 'revoked' });
      await until(
        () => revoked.commandIds.some((id) => stand.commandStatus(id)?.status === 'done'),
        'the revocation result reached the cloud',
      );
      await expectChainDelivered(stand, k);
    },
    JOURNEY_MS,
  );
});
