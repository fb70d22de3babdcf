import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startControlServer, type ControlServer } from '../../hardware/sim/controlServer';
import { LockBusSimulator } from '../../hardware/sim/lockBusSimulator';
import { API_KEY_PATTERN } from '../../src/shared/rest/apiKeys';
import { revokeKey } from '../services/apiKeys';
import { openDatabase } from '../store/database';
import {
  lockerRequest,
  mintKey,
  startTestCloud,
  type TestCloud,
} from '../testSupport/cloudFixture';
import { openDashboard } from '../testSupport/dashboardDom';

describe('dashboard', () => {
  let sim: LockBusSimulator;
  let control: ControlServer;
  let cloud: TestCloud;
  let plain: TestCloud;

  beforeAll(async () => {
    sim = new LockBusSimulator({ protocol: 'kerong-cu16', boards: [0] });
    control = await startControlServer({
      bus: { sim, plugged: true, unplug: async () => {}, replug: async () => {} },
    });
    cloud = await startTestCloud({ simulatorUrl: control.url });
    plain = await startTestCloud();
  });
  afterAll(async () => {
    await cloud.close();
    await plain.close();
    await control.close();
    sim.dispose();
  });

  it('serves a public page shell that holds no locker data, with the script and stylesheet', async () => {
    await cloud.request('POST', '/api/v1/lockers', {
      ...lockerRequest('DASH-1'),
      name: '<script>alert(1)</script> Station',
    });
    const page = await cloud.inject({ method: 'GET', url: '/' }, 'anonymous');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('id="key-form"');
    expect(page.body).toContain('id="simulator"');
    // Whoever loads the page without a key learns nothing about the lockers.
    expect(page.body).not.toContain('DASH-1');
    expect(page.body).not.toContain('Station');
    const js = await cloud.inject({ method: 'GET', url: '/dashboard.js' }, 'anonymous');
    expect(js.headers['content-type']).toContain('javascript');
    expect(js.body).toContain('/api/v1/lockers');
    const css = await cloud.inject({ method: 'GET', url: '/dashboard.css' }, 'anonymous');
    expect(css.body).toContain('--text');
  });

  it('asks for a key before it calls the API, sends it on every call, and a refused key brings the form back', async () => {
    const page = await openDashboard(cloud);
    expect(page.byId('key-panel').hidden).toBe(false);
    expect(page.byId('content').hidden).toBe(true);
    expect(page.calls).toEqual([]);

    page.enterKey('plk_000000000000_' + 'A'.repeat(43));
    await vi.waitFor(() => expect(page.byId('key-message').textContent).toMatch(/did not accept/));
    expect(page.byId('key-panel').hidden).toBe(false);
    expect(page.storedKey()).toBeNull();

    const key = mintKey(cloud.dataDir, 'operator', 'dashboard test');
    page.enterKey(key);
    await vi.waitFor(() => expect(page.byId('updated').textContent).toMatch(/^Updated/));
    expect(page.byId('key-panel').hidden).toBe(true);
    expect(page.byId('content').hidden).toBe(false);
    expect(page.storedKey()).toBe(key);
    const afterKey = page.calls.slice(page.calls.findIndex((c) => c.authorization?.endsWith(key)));
    expect(afterKey.length).toBeGreaterThan(3);
    for (const c of afterKey) expect(c.authorization, c.url).toBe(`Bearer ${key}`);
    // The script renders what a unit or an operator named as text, never as markup.
    const card = [...page.doc.querySelectorAll('#lockers .locker')].find((b) =>
      b.textContent!.includes('DASH-1'),
    );
    expect(card!.textContent).toContain('<script>alert(1)</script> Station');
    expect(page.doc.querySelector('#lockers script')).toBeNull();

    // Revoked while the page is open: the next refresh brings the form back.
    const db = openDatabase(join(cloud.dataDir, 'cloud.sqlite'));
    revokeKey(db, API_KEY_PATTERN.exec(key)![1]!, Date.now());
    db.close();
    card!.click();
    await vi.waitFor(() => expect(page.byId('key-panel').hidden).toBe(false));
    expect(page.byId('key-message').textContent).toMatch(/did not accept/);
    expect(page.byId('content').hidden).toBe(true);
    expect(page.storedKey()).toBeNull();
    page.close();
  });

  it('with a dashboard key shows the lockers but not the inbox, which holds plain codes', async () => {
    const page = await openDashboard(cloud, { storedKey: cloud.keys.dashboard });
    await vi.waitFor(() => expect(page.byId('updated').textContent).toMatch(/^Updated/));
    expect(page.byId('lockers').textContent).toContain('DASH-1');
    expect(page.byId('inbox').textContent).toBe(
      'The inbox holds plain pickup codes: it needs an operator key.',
    );
    expect(page.calls.some((c) => c.url.startsWith('/api/v1/notifications'))).toBe(true);
    page.close();
  });

  it('reaches the simulator control API through its proxy and validates what it forwards', async () => {
    const asDashboard = await cloud.request(
      'POST',
      '/dev/simulator/items',
      { board: 0, lock: 3, present: true },
      'dashboard',
    );
    expect(asDashboard.status).toBe(403);
    expect(sim.boards()[0]!.locks[2]!.itemPresent).not.toBe(true);
    const placed = await cloud.request('POST', '/dev/simulator/items', {
      board: 0,
      lock: 3,
      present: true,
    });
    expect(placed.status).toBe(200);
    expect(sim.boards()[0]!.locks[2]!.itemPresent).toBe(true);
    const state = await cloud.request<{ boards: { locks: { itemPresent: boolean }[] }[] }>(
      'GET',
      '/dev/simulator/state',
    );
    expect(state.body.boards[0]!.locks[2]!.itemPresent).toBe(true);
    const bad = await cloud.request('POST', '/dev/simulator/items', { board: 0, lock: 0 });
    expect(bad.status).toBe(400);
    const unknown = await cloud.request('POST', '/dev/simulator/faults', { board: 0 });
    expect(unknown.status).toBe(404);
    const refused = await cloud.request('POST', '/dev/simulator/doors/close', {
      board: 7,
      lock: 1,
    });
    expect(refused.status).toBe(400);
    // A latch that gives way: the door opens with no unlock, as the kiosk must notice.
    const forced = await cloud.request('POST', '/dev/simulator/doors/open', { board: 0, lock: 2 });
    expect(forced.status).toBe(200);
    expect(sim.boards()[0]!.locks[1]!.doorOpen).toBe(true);
  });

  it('has no simulator controls without a simulator URL', async () => {
    const page = await plain.inject({ method: 'GET', url: '/' }, 'anonymous');
    expect(page.body).not.toContain('id="simulator"');
    expect((await plain.request('GET', '/dev/simulator/state')).status).toBe(404);
  });
});
