import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventType } from '../../src/shared/eventTypes';
import type { LockerDetail } from '../../src/shared/rest/schemas';
import { enrolledUnit, startTestCloud, type TestCloud } from '../testSupport/cloudFixture';

let cloud: TestCloud;
let seed = 60;

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud.close());

const unit = (id: string) => enrolledUnit(cloud, id, seed++);

const door = async (lockerId: string, compartmentId: string) =>
  (await cloud.request<LockerDetail>('GET', `/api/v1/lockers/${lockerId}`)).body.compartments.find(
    (c) => c.id === compartmentId,
  )!.doorOpen;

const complaints = (lockerId: string) =>
  cloud.logs.records.filter((r) => r.level >= 40 && r['lockerId'] === lockerId);

describe('the locker view and the door-operation events', () => {
  it('takes every door fact quietly: an unexpected opening opens the door, an unknown outcome makes it unknown', async () => {
    const { chain, link } = await unit('VIEW-1');
    const pickup = { compartmentId: 'A1', operation: 'pickup', operationId: 1 } as const;
    const deposit = { compartmentId: 'B2', operation: 'deposit', operationId: 2 } as const;
    const events = [
      chain.next('door.closed', { compartmentId: 'B2', operation: 'staff_open', operationId: 0 }),
      chain.next('lock.pulsed', { ...pickup, attempt: 1, acknowledged: true }),
      chain.next('door.opened', pickup),
      chain.next('door.closed', pickup),
      chain.next('compartment.rewired', {
        compartmentId: 'A2',
        from: { board: 0, lock: 2 },
        to: { board: 0, lock: 3 },
      }),
      chain.next('door.opened_unexpectedly', { compartmentId: 'B1', state: 'available' }),
      chain.next('lock.pulsed', { ...deposit, attempt: 1, acknowledged: false }),
      chain.next('door.outcome_unknown', { ...deposit, failure: 'unreadable' }),
      chain.next('compartment.out_of_service', {
        compartmentId: 'B2',
        reason: 'inspection: door outcome unknown',
        actor: 'system:door',
      }),
      chain.next('deposit.released', { parcelId: 'P-9', compartmentId: 'C1', reason: 'not_sent' }),
    ];
    await link.publishEvents(events);
    expect(await link.acks.next()).toBe(events.length);
    expect(await door('VIEW-1', 'A1')).toBe(false);
    expect(await door('VIEW-1', 'B1')).toBe(true);
    expect(await door('VIEW-1', 'B2')).toBe(null);

    // The board's next good reading settles it: the door as read.
    await link.publishEvents([
      chain.next('reconcile.resolved', {
        ...deposit,
        outcome: 'not_opened',
        doorOpen: false,
        itemPresent: false,
      }),
    ]);
    expect(await link.acks.next()).toBe(events.length + 1);
    expect(await door('VIEW-1', 'B2')).toBe(false);
    expect(complaints('VIEW-1')).toEqual([]);
    await link.close();
  });

  it('stores and acks an event type it does not know, noting it at debug level only', async () => {
    const { chain, link } = await unit('VIEW-2');
    const future = chain.next('robot.waved' as EventType, {} as never);
    await link.publishEvents([future]);
    expect(await link.acks.next()).toBe(1);
    const note = await cloud.logs.waitFor(
      (r) => r['lockerId'] === 'VIEW-2' && r['type'] === 'robot.waved',
    );
    expect(note).toMatchObject({
      level: 20,
      seq: 1,
      msg: 'event type unknown to the view; kept in the chain only',
    });
    expect(complaints('VIEW-2')).toEqual([]);
    await link.close();
  });
});
