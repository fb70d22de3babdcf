import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedEvent } from '../../src/shared/events';
import type { Alert, AlertsResponse } from '../../src/shared/rest/schemas';
import type { StatusEvent } from '../../src/shared/rest/statusEvents';
import { lockerStatusEventsAfter } from '../store/statusEvents';
import type { DeviceLink } from '../testSupport/device';
import { enrolledUnit, startTestCloud, type TestCloud } from '../testSupport/cloudFixture';

const MINUTE = 60_000;
let cloud: TestCloud;
let witness: Database.Database;
let seed = 130;

beforeAll(async () => {
  cloud = await startTestCloud({
    policy: {
      offlineAlertAfterMs: 15 * MINUTE,
      codeRejectionAlert: { count: 5, windowMs: 10 * MINUTE },
      clockSkewQuietMs: 120 * MINUTE,
    },
  });
  // A second connection to the cloud's SQLite file: what delivery would read.
  witness = new Database(join(cloud.dataDir, 'cloud.sqlite'), { readonly: true });
});
afterAll(async () => {
  witness.close();
  await cloud.close();
});

async function unit(id: string) {
  const { chain, link } = await enrolledUnit(cloud, id, seed++);
  const send = async (...events: SignedEvent[]) => {
    await link.publishEvents(events);
    await link.acks.until((seq) => seq === events.at(-1)!.seq);
  };
  return { chain, link, send };
}

const alerts = async (lockerId: string, query = '') =>
  (await cloud.request<AlertsResponse>('GET', `/api/v1/lockers/${lockerId}/alerts${query}`)).body
    .alerts;
const open = async (lockerId: string) =>
  (await alerts(lockerId, '?state=open')).map((a) => a.kind).sort();
/** The alert.raised / alert.cleared status events of a locker, as `type kind`. */
const told = (lockerId: string) =>
  lockerStatusEventsAfter(witness, lockerId, 0, 1000)
    .filter((s: StatusEvent) => s.type.startsWith('alert.'))
    .map((s) => `${s.type} ${String(s.data['kind'])}`);

async function presence(link: DeviceLink, status: 'online' | 'offline') {
  const mark = cloud.logs.records.length;
  await link.publishRaw(link.topics.presence, JSON.stringify({ v: 1, status }), true);
  await cloud.logs.waitFor(
    (r) =>
      cloud.logs.records.indexOf(r) >= mark &&
      r.msg === 'presence recorded' &&
      r['lockerId'] === link.lockerId &&
      r['status'] === status,
  );
}

describe('locker-wide operator alerts', () => {
  it('raises throttled from security.throttled and clears it when the throttle ends, told both times', async () => {
    const { chain, link, send } = await unit('LA-THROTTLE');
    const until = new Date(cloud.clock.now() + 5 * MINUTE).toISOString();
    const e = chain.next('security.throttled', { debt: 6, delaySec: 300, until });
    await send(e);
    const [alert] = await alerts('LA-THROTTLE');
    expect(alert).toMatchObject<Partial<Alert>>({
      kind: 'throttled',
      compartmentId: null,
      seq: 1,
      raisedAt: e.at,
      endsAt: until,
      cleared: null,
    });
    expect(alert!.detail).toContain('waits 300 s');
    expect(told('LA-THROTTLE')).toEqual(['alert.raised throttled']);

    cloud.clock.advance(4 * MINUTE);
    expect((await cloud.tick()).alertsEnded).toBe(0);
    expect(await open('LA-THROTTLE')).toEqual(['throttled']);
    cloud.clock.advance(MINUTE);
    expect((await cloud.tick()).alertsEnded).toBe(1);
    expect(await open('LA-THROTTLE')).toEqual([]);
    expect((await alerts('LA-THROTTLE'))[0]!.cleared).toMatchObject({
      seq: null,
      reason: 'ended: throttled',
    });
    expect(told('LA-THROTTLE')).toEqual(['alert.raised throttled', 'alert.cleared throttled']);
    await link.close();
  });

  it('raises code_rejections only at a sustained rate, renews it while wrong codes keep coming, ends it after a quiet window', async () => {
    const { chain, link, send } = await unit('LA-GUESS');
    const wrong = () => chain.next('security.code_rejected', { debt: 1 });
    // Four wrong codes spread over an hour: a rate customers reach, no alert.
    for (let i = 0; i < 4; i++) {
      await send(wrong());
      cloud.clock.advance(15 * MINUTE);
    }
    await send(wrong());
    expect(await open('LA-GUESS')).toEqual([]);
    // Five within a few minutes: someone guessing.
    for (let i = 0; i < 4; i++) {
      cloud.clock.advance(MINUTE);
      await send(wrong());
    }
    expect(await open('LA-GUESS')).toEqual(['code_rejections']);
    expect((await alerts('LA-GUESS'))[0]!.detail).toMatch(/^5 wrong codes within 10 min/);
    // More while the rate holds keep the one alert open and push its end.
    cloud.clock.advance(2 * MINUTE);
    await send(wrong());
    const [renewed] = await alerts('LA-GUESS');
    expect(renewed!.endsAt).toBe(new Date(cloud.clock.now() + 10 * MINUTE).toISOString());
    cloud.clock.advance(9 * MINUTE);
    expect((await cloud.tick()).alertsEnded).toBe(0);
    cloud.clock.advance(MINUTE);
    await cloud.tick();
    expect(await open('LA-GUESS')).toEqual([]);
    expect(told('LA-GUESS')).toEqual([
      'alert.raised code_rejections',
      'alert.cleared code_rejections',
    ]);
    await link.close();
  });

  it('raises hardware_fault and clears it on hardware.recovered; a second fault renews the open one', async () => {
    const { chain, link, send } = await unit('LA-HW');
    await send(chain.next('hardware.fault', { reason: 'lock board unplugged' }));
    await send(chain.next('hardware.fault', { reason: 'lock board not answering' }));
    const open1 = await alerts('LA-HW', '?state=open');
    expect(open1).toHaveLength(1);
    expect(open1[0]!.detail).toContain('lock board not answering');
    const back = chain.next('hardware.recovered', {});
    await send(back);
    expect((await alerts('LA-HW'))[0]!.cleared).toEqual({
      at: back.at,
      seq: back.seq,
      reason: 'hardware recovered',
    });
    expect(told('LA-HW')).toEqual(['alert.raised hardware_fault', 'alert.cleared hardware_fault']);
    await link.close();
  });

  it('raises storage_low when the unit reports its disk nearly full and clears it on storage.recovered', async () => {
    const { chain, link, send } = await unit('LA-DISK');
    await send(
      chain.next('storage.low', { freeBytes: 3 * 1_048_576, reserveBytes: 8 * 1_048_576 }),
    );
    const open = await alerts('LA-DISK', '?state=open');
    expect(open.map((a) => [a.kind, a.compartmentId])).toEqual([['storage_low', null]]);
    expect(open[0]!.detail).toContain('3 MB free');
    const back = chain.next('storage.recovered', {
      lowSince: open[0]!.raisedAt,
      freeBytes: 40 * 1_048_576,
      refusedDeposits: 2,
      failedWrites: 1,
    });
    await send(back);
    expect((await alerts('LA-DISK'))[0]!.cleared).toMatchObject({ at: back.at, seq: back.seq });
    expect(told('LA-DISK')).toEqual(['alert.raised storage_low', 'alert.cleared storage_low']);
    await link.close();
  });

  it('raises clock_skew from the unit’s report and ends it when the unit has been quiet for the quiet period', async () => {
    const { chain, link, send } = await unit('LA-SKEW');
    await send(
      chain.next('clock.skew', { skewMs: -420_000, thresholdMs: 300_000, commandId: 'c-1' }),
    );
    expect((await alerts('LA-SKEW'))[0]!.detail).toContain('-420 s off');
    cloud.clock.advance(60 * MINUTE);
    await send(
      chain.next('clock.skew', { skewMs: -430_000, thresholdMs: 300_000, commandId: 'c-2' }),
    );
    cloud.clock.advance(119 * MINUTE);
    await cloud.tick();
    expect(await open('LA-SKEW')).toEqual(['clock_skew']);
    cloud.clock.advance(MINUTE);
    await cloud.tick();
    expect(await open('LA-SKEW')).toEqual([]);
    expect(told('LA-SKEW')).toEqual(['alert.raised clock_skew', 'alert.cleared clock_skew']);
    await link.close();
  });

  it('raises one chain_break alert when the verifier refuses a link, and keeps it open with the flag', async () => {
    const { chain, link, send } = await unit('LA-CHAIN');
    await send(chain.next('device.started', { softwareVersion: '1', compartments: 5 }));
    const real = chain.next('door.opened', {
      compartmentId: 'A1',
      operation: 'staff_open',
      operationId: 1,
    });
    const forged = { ...real, payload: { ...real.payload, compartmentId: 'B1' } };
    const mark = cloud.logs.records.length;
    await link.publishEvents([forged]);
    await cloud.logs.waitFor(
      (r) =>
        cloud.logs.records.indexOf(r) >= mark && r.msg === 'event chain broken: locker flagged',
    );
    await link.publishEvents([{ ...forged, sig: real.sig.replace(/^./, 'A') }]);
    await cloud.logs.waitFor(
      (r) =>
        cloud.logs.records.indexOf(r) >= mark &&
        r.msg === 'event chain broken: locker flagged' &&
        cloud.logs.records.filter((x) => x.msg === 'event chain broken: locker flagged').length >=
          2,
    );
    const open1 = await alerts('LA-CHAIN', '?state=open');
    expect(open1.map((a) => [a.kind, a.compartmentId, a.seq])).toEqual([
      ['chain_break', null, null],
    ]);
    expect(open1[0]!.detail).toMatch(/^The event chain broke at seq 2 /);
    await send(real); // the real link verifies; the break stays for an operator
    expect(await open('LA-CHAIN')).toEqual(['chain_break']);
    expect(told('LA-CHAIN')).toEqual(['alert.raised chain_break']);
    await link.close();
  });

  it('raises offline once a locker has been offline longer than the threshold, and clears it when it is back online', async () => {
    const { link } = await unit('LA-OFF');
    await presence(link, 'online');
    await presence(link, 'offline');
    cloud.clock.advance(14 * MINUTE);
    await cloud.tick();
    expect(await open('LA-OFF')).toEqual([]);
    cloud.clock.advance(MINUTE);
    const report = await cloud.tick();
    expect(report.offlineAlerts).toBeGreaterThanOrEqual(1);
    expect(await open('LA-OFF')).toEqual(['offline']);
    const [alert] = await alerts('LA-OFF');
    expect(alert).toMatchObject({ compartmentId: null, seq: null, endsAt: null });
    // A second pass raises nothing twice.
    await cloud.tick();
    expect(await alerts('LA-OFF')).toHaveLength(1);
    await presence(link, 'online');
    expect((await alerts('LA-OFF'))[0]!.cleared).toMatchObject({
      seq: null,
      reason: 'online again',
    });
    expect(told('LA-OFF')).toEqual(['alert.raised offline', 'alert.cleared offline']);
    await link.close();
  });

  it('tells the compartment alerts too: raised by the event, cleared by what ends it', async () => {
    const { chain, link, send } = await unit('LA-DOOR');
    const first = [
      chain.next('door.jammed', {
        compartmentId: 'B1',
        operation: 'pickup',
        operationId: 1,
        evidence: 'refused',
      }),
      chain.next('door.opened_unexpectedly', { compartmentId: 'A2', state: 'occupied' }),
    ];
    await send(...first);
    await send(
      chain.next('door.closed_unexpectedly', { compartmentId: 'A2', state: 'occupied' }),
      chain.next('compartment.in_service', { compartmentId: 'B1', reason: 'fixed', actor: 's' }),
    );
    expect(told('LA-DOOR')).toEqual([
      'alert.raised jammed',
      'alert.raised opened_unexpectedly',
      'alert.cleared opened_unexpectedly',
      'alert.cleared jammed',
    ]);
    const raised = lockerStatusEventsAfter(witness, 'LA-DOOR', 0, 10)[0]!;
    expect(raised.data).toMatchObject({ kind: 'jammed', compartmentId: 'B1', seq: 1 });
    // The same batch again raises and tells nothing twice.
    await link.publishEvents(first);
    expect(await link.acks.next()).toBe(4);
    expect(told('LA-DOOR')).toHaveLength(4);
    await link.close();
  });

  it('changes nothing for a payload it cannot read, and logs why', async () => {
    const { chain, link, send } = await unit('LA-BAD');
    const mark = cloud.logs.records.length;
    await send(
      chain.next('security.throttled', { debt: 1, delaySec: -5, until: 'soon' } as never),
      chain.next('hardware.fault', {} as never),
    );
    expect(
      cloud.logs.records
        .slice(mark)
        .filter((r) => r.msg === 'event payload not understood; view not updated').length,
    ).toBe(1);
    // A fault without a reason is still a fault: its reason reads "not given".
    expect((await alerts('LA-BAD')).map((a) => [a.kind, a.detail])).toEqual([
      ['hardware_fault', 'Hardware fault: not given. Doors may not open until it recovers.'],
    ]);
    expect(told('LA-BAD')).toEqual(['alert.raised hardware_fault']);
    await link.close();
  });
});
