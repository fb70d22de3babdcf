import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DeviceChain, DeviceLink } from '../testSupport/device';
import { openDashboard } from '../testSupport/dashboardDom';
import {
  lockerRequest,
  provisionAndEnroll,
  startTestCloud,
  type TestCloud,
} from '../testSupport/cloudFixture';

describe('dashboard alerts', () => {
  let cloud: TestCloud;

  beforeAll(async () => {
    cloud = await startTestCloud();
  });
  afterAll(() => cloud.close());

  /** DASH-ALERT with an open jam (evidence meant to break the page), an open unexpected
   * opening, and a cleared foreign item; set up once, by whichever test needs it first. */
  let alerting: Promise<void> | null = null;
  const withAlerts = () => (alerting ??= raiseAlerts());
  async function raiseAlerts() {
    const locker = await provisionAndEnroll(cloud, 'DASH-ALERT', {}, 110);
    const chain = new DeviceChain('DASH-ALERT', locker.key, cloud.clock);
    const link = await DeviceLink.connect(cloud.mqttUrl, locker.login, {
      cloudPublicKey: cloud.cloudPublicKey,
    });
    await link.publishEvents([
      chain.next('door.jammed', {
        compartmentId: 'B1',
        operation: 'pickup',
        operationId: 8,
        evidence: '<img src=x onerror=alert(1)>',
      }),
      chain.next('door.opened_unexpectedly', { compartmentId: 'A2', state: 'occupied' }),
      chain.next('compartment.foreign_item', { compartmentId: 'C1' }),
      chain.next('compartment.in_service', { compartmentId: 'C1', reason: 'empty', actor: 's' }),
    ]);
    expect(await link.acks.next()).toBe(4);
    await link.close();
  }

  it('says there are none while no locker has an open alert', async () => {
    const calm = await startTestCloud();
    await calm.request('POST', '/api/v1/lockers', lockerRequest('CALM-1'));
    const page = await openDashboard(calm, { storedKey: calm.keys.dashboard });
    await vi.waitFor(() => expect(page.byId('updated').textContent).toMatch(/^Updated/));
    expect(page.byId('alerts').textContent).toBe('No open alerts.');
    expect(page.byId('alerts-count').textContent).toBe('0 open alerts');
    page.close();
    await calm.close();
  });

  it('lists open alerts per locker in words, marks the compartment, escaped, and acknowledges one', async () => {
    await withAlerts();
    const page = await openDashboard(cloud, {
      query: '?locker=DASH-ALERT',
      storedKey: cloud.keys.operator,
    });
    const doc = page.doc;
    await vi.waitFor(() => expect(page.byId('updated').textContent).toMatch(/^Updated/));

    expect(page.byId('alerts-count').textContent).toBe('2 open alerts');
    expect(doc.querySelector('#alerts .alert-group h3')!.textContent).toBe(
      'Locker DASH-ALERT DASH-ALERT',
    );
    const items = [...doc.querySelectorAll('#alerts li.alert')];
    expect(items.map((li) => li.querySelector('.alert-title')!.textContent)).toEqual([
      'Door opened unexpectedly · compartment A2',
      'Door jammed · compartment B1',
    ]);
    // The evidence is text, not markup; the cleared foreign-item alert is history.
    expect(items[1]!.textContent).toContain('stayed shut (<img src=x onerror=alert(1)>)');
    expect(doc.querySelector('#alerts img')).toBeNull();
    expect(page.byId('alerts').textContent).not.toContain('Unexpected item inside');
    // The locker's card carries the count too.
    expect(doc.querySelector('#lockers .pill.alerting')!.textContent).toBe('2 open alerts');
    const marked = [...doc.querySelectorAll('#grid .cell.has-alert')].map((c) => c.textContent);
    expect(marked).toEqual([
      expect.stringContaining('⚠ Door opened unexpectedly'),
      expect.stringContaining('⚠ Door jammed'),
    ]);

    items[1]!.querySelector('button')!.click();
    await vi.waitFor(() =>
      expect(doc.querySelector('#alerts li.alert.jammed')!.className).toContain('acknowledged'),
    );
    expect(doc.querySelector('#alerts li.alert.jammed')!.textContent).toContain(
      'acknowledged by dashboard',
    );
    expect(doc.querySelectorAll('#alerts li.alert')).toHaveLength(2);
    page.close();
  });

  it('shows an alert about the whole locker, raised by the unit or seen by the cloud, and when it ends', async () => {
    const locker = await provisionAndEnroll(cloud, 'DASH-WIDE', {}, 111);
    const chain = new DeviceChain('DASH-WIDE', locker.key, cloud.clock);
    const link = await DeviceLink.connect(cloud.mqttUrl, locker.login, {
      cloudPublicKey: cloud.cloudPublicKey,
    });
    const until = new Date(cloud.clock.now() + 120_000);
    await link.publishEvents([
      chain.next('security.throttled', { debt: 6, delaySec: 120, until: until.toISOString() }),
      chain.next('hardware.fault', { reason: 'lock board not answering' }),
    ]);
    expect(await link.acks.next()).toBe(2);
    await link.publishRaw(link.topics.presence, JSON.stringify({ v: 1, status: 'offline' }), true);
    await vi.waitFor(async () => {
      cloud.clock.advance(16 * 60_000);
      expect((await cloud.tick()).offlineAlerts).toBe(1);
    });
    await link.close();

    const page = await openDashboard(cloud, {
      query: '?locker=DASH-WIDE',
      storedKey: cloud.keys.dashboard,
    });
    const doc = page.doc;
    await vi.waitFor(() => expect(page.byId('updated').textContent).toMatch(/^Updated/));
    const group = [...doc.querySelectorAll('#alerts .alert-group')].find((g) =>
      g.textContent!.includes('DASH-WIDE'),
    )!;
    const titles = [...group.querySelectorAll('li.alert .alert-title')].map((t) => t.textContent);
    // The throttle's end passed with the clock: cleared by the tick, no longer listed.
    expect(titles).toEqual(['Offline too long · whole locker', 'Hardware fault · whole locker']);
    const [offline, fault] = [...group.querySelectorAll('li.alert')];
    expect(offline!.textContent).toContain('seen by the cloud');
    expect(fault!.textContent).toContain('lock board not answering');
    expect(fault!.textContent).toContain('event 2');
    // Not on any compartment of the grid.
    expect(doc.querySelectorAll('#grid .cell.has-alert')).toHaveLength(0);
    page.close();
  });
});
