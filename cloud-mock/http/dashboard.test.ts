import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlServer, type ControlServer } from '../../hardware/sim/controlServer';
import { LockBusSimulator } from '../../hardware/sim/lockBusSimulator';
import { lockerRequest, startTestCloud, type TestCloud } from '../testSupport/cloudFixture';

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

  it('renders the lockers into the page, escaped, with the script and stylesheet', async () => {
    await cloud.request('POST', '/api/v1/lockers', {
      ...lockerRequest('DASH-1'),
      name: '<script>alert(1)</script> Station',
    });
    const page = await cloud.http.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('&#60;script&#62;alert(1)&#60;/script&#62; Station');
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).toContain('id="simulator"');
    const js = await cloud.http.inject({ method: 'GET', url: '/dashboard.js' });
    expect(js.headers['content-type']).toContain('javascript');
    expect(js.body).toContain('/api/v1/lockers');
    const css = await cloud.http.inject({ method: 'GET', url: '/dashboard.css' });
    expect(css.body).toContain('--text');
  });

  it('reaches the simulator control API through its proxy and validates what it forwards', async () => {
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
    const page = await plain.http.inject({ method: 'GET', url: '/' });
    expect(page.body).not.toContain('id="simulator"');
    expect((await plain.request('GET', '/dev/simulator/state')).status).toBe(404);
  });
});
