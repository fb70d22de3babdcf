import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedEvent } from '../../src/shared/events';
import type { Alert, AlertsResponse } from '../../src/shared/rest/schemas';
import type { KeyObject } from 'node:crypto';
import { signedSnapshot, type DeviceLink } from '../testSupport/device';
import { enrolledUnit, startTestCloud, type TestCloud } from '../testSupport/cloudFixture';

let cloud: TestCloud;
let seed = 70;

beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud.close());

async function unit(id: string) {
  const { chain, link } = await enrolledUnit(cloud, id, seed++);
  /** Publishes events and waits until the cloud has stored them. */
  const send = async (...events: SignedEvent[]) => {
    await link.publishEvents(events);
    await link.acks.until((seq) => seq === events.at(-1)!.seq);
    cloud.clock.advance(1000);
  };
  return { chain, link, send };
}

const alerts = async (lockerId: string, query = '') =>
  (await cloud.request<AlertsResponse>('GET', `/api/v1/lockers/${lockerId}/alerts${query}`)).body
    .alerts;
const open = async (lockerId: string) =>
  (await alerts(lockerId, '?state=open')).map((a) => `${a.compartmentId}:${a.kind}`).sort();

/** A retained state snapshot, signed by the unit, with every compartment shut but those named. */
function snapshot(key: KeyObject, lockerId: string, seq: number, openDoors: string[] = []) {
  const body = {
    v: 1,
    lockerId,
    at: new Date(Date.UTC(2025, 5, 2, 9)).toISOString(),
    seq,
    compartments: ['A1', 'A2', 'B1', 'B2', 'C1'].map((id) => ({
      id,
      size: id.startsWith('A') ? 'S' : id.startsWith('B') ? 'M' : 'L',
      state: 'available',
      doorOpen: openDoors.includes(id),
      parcelId: null,
      returnId: null,
    })),
  };
  return JSON.stringify(signedSnapshot(key, body));
}

/** Publishes a retained snapshot and waits until the cloud has taken it (presence follows it). */
async function sendSnapshot(link: DeviceLink, lockerId: string, text: string) {
  await link.publishRaw(link.topics.state, text, true);
  const mark = cloud.logs.records.length;
  await link.publishRaw(link.topics.presence, JSON.stringify({ v: 1, status: 'online' }), true);
  await cloud.logs.waitFor(
    (r) =>
      cloud.logs.records.indexOf(r) >= mark &&
      r.msg === 'presence recorded' &&
      r['lockerId'] === lockerId,
  );
}

describe('operator alerts', () => {
  it('raises one per jam, unexpected opening, unknown outcome, inspection and foreign item', async () => {
    const { chain, link, send } = await unit('ALERT-1');
    const jam = chain.next('door.jammed', {
      compartmentId: 'B1',
      operation: 'pickup',
      operationId: 3,
      evidence: 'refused',
    });
    const events = [
      jam,
      chain.next('compartment.out_of_service', {
        compartmentId: 'B1',
        reason: 'door did not open (refused)',
        actor: 'system:door',
      }),
      chain.next('door.opened_unexpectedly', { compartmentId: 'A2', state: 'occupied' }),
      chain.next('door.outcome_unknown', {
        compartmentId: 'C1',
        operation: 'deposit',
        operationId: 4,
        failure: 'unreadable',
      }),
      chain.next('door.inspection', {
        compartmentId: 'C1',
        operation: 'deposit',
        operationId: 4,
        why: 'backstop passed with the board unreadable',
      }),
      chain.next('compartment.foreign_item', { compartmentId: 'A1' }),
    ];
    await send(...events);

    const all = await alerts('ALERT-1');
    expect(all.map((a) => [a.seq, a.compartmentId, a.kind])).toEqual([
      [6, 'A1', 'foreign_item'],
      [5, 'C1', 'inspection'],
      [4, 'C1', 'outcome_unknown'],
      [3, 'A2', 'opened_unexpectedly'],
      [1, 'B1', 'jammed'],
    ]);
    const jammed = all.find((a) => a.kind === 'jammed')!;
    expect(jammed).toEqual<Alert>({
      id: jammed.id,
      lockerId: 'ALERT-1',
      compartmentId: 'B1',
      kind: 'jammed',
      detail: 'The latch was pulsed for pickup operation 3 and the door stayed shut (refused).',
      seq: 1,
      raisedAt: jam.at,
      endsAt: null,
      acknowledged: null,
      cleared: null,
    });
    expect(all.find((a) => a.kind === 'opened_unexpectedly')!.detail).toContain(
      'the compartment was occupied',
    );
    expect(all.find((a) => a.kind === 'inspection')!.detail).toContain(
      'deposit operation 4 cannot be known (backstop passed with the board unreadable)',
    );
    expect(await alerts('ALERT-1', '?state=cleared')).toEqual([]);
    expect(await alerts('ALERT-1', '?limit=2')).toHaveLength(2);

    // The same batch again (a resend after a reconnect) raises nothing twice.
    await link.publishEvents(events);
    expect(await link.acks.next()).toBe(6);
    expect(await alerts('ALERT-1')).toHaveLength(5);
    await link.close();
  });

  it('clears jams, unknown outcomes, inspections and foreign items when the compartment is back in service, an unexpected opening when its door closes', async () => {
    const { chain, link, send } = await unit('ALERT-2');
    const fact = (compartmentId: string, operationId: number) =>
      ({ compartmentId, operation: 'staff_open', operationId }) as const;
    await send(
      chain.next('door.jammed', { ...fact('B1', 1), evidence: 'no_open_within_timeout' }),
      chain.next('door.outcome_unknown', { ...fact('C1', 2), failure: 'unreadable' }),
      chain.next('door.inspection', { ...fact('C1', 2), why: 'no answer' }),
      chain.next('compartment.foreign_item', { compartmentId: 'A1' }),
      chain.next('door.opened_unexpectedly', { compartmentId: 'A2', state: 'available' }),
      chain.next('door.opened_unexpectedly', { compartmentId: 'B2', state: 'available' }),
    );
    expect(await open('ALERT-2')).toEqual([
      'A1:foreign_item',
      'A2:opened_unexpectedly',
      'B1:jammed',
      'B2:opened_unexpectedly',
      'C1:inspection',
      'C1:outcome_unknown',
    ]);

    const back = chain.next('compartment.in_service', {
      compartmentId: 'B1',
      reason: 'latch replaced',
      actor: 'staff-7',
    });
    await send(
      back,
      // Back in service does not shut a door: B2's unexpected opening stays.
      chain.next('compartment.in_service', { compartmentId: 'B2', reason: 'x', actor: 'staff-7' }),
    );
    expect((await alerts('ALERT-2')).find((a) => a.kind === 'jammed')!.cleared).toEqual({
      at: back.at,
      seq: back.seq,
      reason: 'back in service: latch replaced (staff-7)',
    });
    const closed = chain.next('door.closed', fact('A2', 3));
    await send(
      closed,
      chain.next('compartment.in_service', {
        compartmentId: 'C1',
        reason: 'door outcome known',
        actor: 'system:door',
      }),
    );
    expect((await alerts('ALERT-2')).find((a) => a.compartmentId === 'A2')!.cleared).toEqual({
      at: closed.at,
      seq: closed.seq,
      reason: 'door closed',
    });
    expect(await open('ALERT-2')).toEqual(['A1:foreign_item', 'B2:opened_unexpectedly']);

    // A compartment taken out of the layout has nothing left to fix.
    await send(chain.next('compartment.removed', { compartmentId: 'A1' }));
    expect(await open('ALERT-2')).toEqual(['B2:opened_unexpectedly']);
    // The door nobody asked for is shut again: the kiosk says so without an operation.
    await send(chain.next('door.closed_unexpectedly', { compartmentId: 'B2', state: 'available' }));
    expect(await open('ALERT-2')).toEqual([]);
    expect(await alerts('ALERT-2', '?state=cleared')).toHaveLength(6);
    await link.close();
  });

  it('clears an unexpected opening when the state snapshot shows the door shut, also when the snapshot came first', async () => {
    const { chain, link, send } = await unit('ALERT-3');
    await send(chain.next('door.opened_unexpectedly', { compartmentId: 'A1', state: 'available' }));
    // A snapshot still showing the door open, then one showing it shut.
    await sendSnapshot(link, 'ALERT-3', snapshot(chain.key, 'ALERT-3', 1, ['A1']));
    expect(await open('ALERT-3')).toEqual(['A1:opened_unexpectedly']);
    await sendSnapshot(link, 'ALERT-3', snapshot(chain.key, 'ALERT-3', 1));
    expect((await alerts('ALERT-3'))[0]!.cleared).toMatchObject({
      seq: 1,
      reason: 'door closed (state snapshot)',
    });

    // The snapshot (seq 3, A2 shut) overtakes the events that opened A2 (seq 2) and B1 (seq 4).
    await sendSnapshot(link, 'ALERT-3', snapshot(chain.key, 'ALERT-3', 3));
    await send(
      chain.next('door.opened_unexpectedly', { compartmentId: 'A2', state: 'available' }),
      chain.next('lock.pulsed', {
        compartmentId: 'C1',
        operation: 'pickup',
        operationId: 5,
        attempt: 1,
        acknowledged: true,
      }),
      chain.next('door.opened_unexpectedly', { compartmentId: 'B1', state: 'available' }),
    );
    // A2 opened and shut before the snapshot; B1 opened after it, so it stays open.
    expect(await open('ALERT-3')).toEqual(['B1:opened_unexpectedly']);
    expect((await alerts('ALERT-3')).find((a) => a.compartmentId === 'A2')!.cleared).toMatchObject({
      seq: 3,
    });
    await link.close();
  });

  it('acknowledges an alert once; it stays open until the locker clears it', async () => {
    const { chain, link, send } = await unit('ALERT-4');
    await unit('ALERT-5');
    await send(chain.next('compartment.foreign_item', { compartmentId: 'C1' }));
    const [alert] = await alerts('ALERT-4');
    const url = `/api/v1/lockers/ALERT-4/alerts/${alert!.id}/acknowledge`;
    const first = await cloud.request<Alert>('POST', url, { by: 'ops-anna' });
    expect(first.status).toBe(200);
    expect(first.body.acknowledged).toEqual({
      at: new Date(cloud.clock.now()).toISOString(),
      by: 'ops-anna',
    });
    expect(first.body.cleared).toBeNull();
    cloud.clock.advance(60_000);
    const again = await cloud.request<Alert>('POST', url, {});
    expect(again.body.acknowledged).toEqual(first.body.acknowledged);
    expect(await open('ALERT-4')).toEqual(['C1:foreign_item']);

    await send(chain.next('door.opened_unexpectedly', { compartmentId: 'A1', state: 'available' }));
    const [newer] = await alerts('ALERT-4');
    const unnamed = await cloud.request<Alert>(
      'POST',
      `/api/v1/lockers/ALERT-4/alerts/${newer!.id}/acknowledge`,
      {},
    );
    expect(unnamed.body.acknowledged!.by).toBe('cloud-operator');

    const elsewhere = `/api/v1/lockers/ALERT-5/alerts/${alert!.id}/acknowledge`;
    expect((await cloud.request('POST', elsewhere, {})).status).toBe(404);
    const bad = await cloud.request('POST', '/api/v1/lockers/ALERT-4/alerts/first/acknowledge', {
      by: 'a b',
    });
    expect(bad).toMatchObject({
      status: 400,
      body: {
        problems: [
          { path: 'params.alertId', message: 'expected a whole number' },
          { path: 'body.by', message: '1..64 letters, digits, . _ : -' },
        ],
      },
    });
    await link.close();
  });

  it('is not lost over its wording: long free text is cut short, missing text replaced', async () => {
    const { chain, link, send } = await unit('ALERT-7');
    const fact = { compartmentId: 'B2', operation: 'pickup', operationId: 1 } as const;
    await send(
      chain.next('door.jammed', { ...fact, evidence: 'x'.repeat(300) }),
      chain.next('door.inspection', { ...fact } as never),
    );
    const [inspection, jam] = await alerts('ALERT-7');
    expect(jam!.detail).toContain(`(${'x'.repeat(200)}…)`);
    expect(inspection!.detail).toContain('(not given)');
    await link.close();
  });

  it('answers 404 for an unknown locker and 400 for a bad filter', async () => {
    expect((await cloud.request('GET', '/api/v1/lockers/NOPE/alerts')).status).toBe(404);
    await unit('ALERT-6');
    const bad = await cloud.request('GET', '/api/v1/lockers/ALERT-6/alerts?state=closed&limit=0');
    expect(bad.status).toBe(400);
    expect((bad.body as { problems: { path: string }[] }).problems.map((p) => p.path)).toEqual([
      'query.state',
      'query.limit',
    ]);
  });
});
