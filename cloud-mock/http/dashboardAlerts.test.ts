import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DeviceChain, DeviceLink } from '../testSupport/device';
import { DASHBOARD_JS } from './dashboardAssets';
import {
  lockerRequest,
  provisionAndEnroll,
  startTestCloud,
  type TestCloud,
} from '../testSupport/cloudFixture';

/** jsdom ships no types here (and this project has no DOM lib): the little of it used below. */
interface Node_ {
  textContent: string | null;
  className: string;
  querySelector(selector: string): Node_ | null;
  querySelectorAll(selector: string): Iterable<Node_> & { length: number };
  click(): void;
}
interface Dom {
  window: {
    document: Node_ & { getElementById(id: string): Node_ | null };
    fetch: unknown;
    setInterval: unknown;
    alert: unknown;
    eval(code: string): unknown;
    close(): void;
  };
}
const { JSDOM } = createRequire(import.meta.url)('jsdom') as {
  JSDOM: new (html: string, options: { url: string; runScripts: 'outside-only' }) => Dom;
};

describe('dashboard alerts', () => {
  let cloud: TestCloud;

  beforeAll(async () => {
    cloud = await startTestCloud();
  });
  afterAll(() => cloud.close());

  const page = async () => (await cloud.http.inject({ method: 'GET', url: '/' })).body;

  /** DASH-ALERT with an open jam (evidence meant to break the page), an open unexpected
   * opening, and a cleared foreign item; set up once, by whichever test needs it first. */
  let alerting: Promise<void> | null = null;
  const withAlerts = () => (alerting ??= raiseAlerts());
  async function raiseAlerts() {
    const locker = await provisionAndEnroll(cloud, 'DASH-ALERT', {}, 110);
    const chain = new DeviceChain('DASH-ALERT', locker.key, cloud.clock);
    const link = await DeviceLink.connect(cloud.mqttUrl, locker.login);
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
    const html = (await calm.http.inject({ method: 'GET', url: '/' })).body;
    await calm.close();
    expect(html).toContain('id="alerts-panel"');
    expect(html).toContain('No open alerts.');
  });

  it('shows open jams and unexpected openings in words, per locker, with the compartment, escaped', async () => {
    await withAlerts();
    const html = await page();
    const panel = html.slice(html.indexOf('id="alerts-panel"'), html.indexOf('id="lockers-title"'));
    expect(panel).toContain('2 open alerts');
    expect(panel).toContain('Locker DASH-ALERT');
    expect(panel).toContain('<strong>Door jammed</strong> · compartment B1');
    expect(panel).toContain('<strong>Door opened unexpectedly</strong> · compartment A2');
    expect(panel).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).not.toContain('<img src=x');
    // The cleared foreign-item alert is history, not an open alert.
    expect(panel).not.toContain('Unexpected item inside');
    // The locker's card carries the count too.
    expect(html).toContain('<span class="pill alerting">2 open alerts</span>');

    const js = (await cloud.http.inject({ method: 'GET', url: '/dashboard.js' })).body;
    expect(js).toContain("'/alerts?state=open'");
    expect(js).toContain('"jammed":"Door jammed"');
  });

  it('its script lists open alerts per locker, marks the compartment, and acknowledges one', async () => {
    await withAlerts();
    const html = await page();
    const { window } = new JSDOM(html, {
      url: `${cloud.httpUrl}/?locker=DASH-ALERT`,
      runScripts: 'outside-only',
    });
    // The page's script talks to this cloud's real API; no timer, it refreshes when asked.
    window.fetch = async (url: string, init?: { method?: string; body?: string }) => {
      const r = await cloud.http.inject({
        method: (init?.method ?? 'GET') as 'GET' | 'POST',
        url: String(url),
        headers: { 'content-type': 'application/json' },
        ...(init?.body === undefined ? {} : { payload: init.body }),
      });
      return { ok: r.statusCode < 400, status: r.statusCode, json: async () => r.json() };
    };
    window.setInterval = () => 0;
    window.alert = (message?: unknown) => {
      throw new Error(`the dashboard alerted: ${String(message)}`);
    };
    window.eval(DASHBOARD_JS);
    const doc = window.document;
    await vi.waitFor(() => expect(doc.getElementById('updated')!.textContent).toMatch(/^Updated/));

    expect(doc.getElementById('alerts-count')!.textContent).toBe('2 open alerts');
    const items = [...doc.querySelectorAll('#alerts li.alert')];
    expect(items.map((li) => li.querySelector('.alert-title')!.textContent)).toEqual([
      'Door opened unexpectedly · compartment A2',
      'Door jammed · compartment B1',
    ]);
    expect(items[1]!.textContent).toContain('stayed shut (<img src=x onerror=alert(1)>)');
    expect(doc.querySelector('#alerts img')).toBeNull();
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
    window.close();
  });
});
