/**
 * The real kiosk (its composition root, core and cloud link) gets its broker identity from
 * enrolment, logs in with it and its events reach the real cloud-mock, on the embedded aedes and
 * on Mosquitto (dynamic-security accounts). After it enrols again, the identity it had before
 * is refused, while the new one works.
 */
import { mkdtempSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENROLLMENT_FILE, readEnrollment } from '../../src/main/cloud/enrollment';
import { mosquittoPub, targetOf } from '../../src/shared/node/testSupport/mosquittoClients';
import { lockerTopics } from '../../src/shared/protocol/topics';
import {
  provisionLocker,
  standConfig,
  startStand,
  startStandKiosk,
  until,
  type CloudStand,
  type StandKiosk,
} from './stand';

describe.each(['aedes', 'mosquitto'] as const)("a kiosk's broker identity on %s", (kind) => {
  let stand: CloudStand;
  let dataDir = '';
  let unit: StandKiosk | null = null;

  beforeAll(async () => {
    stand = await startStand(kind);
    dataDir = mkdtempSync(join(tmpdir(), 'kiosk-identity-'));
  });
  afterAll(async () => {
    await unit?.close();
    await stand.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The kiosk appends an event; it is stored by the cloud and acked back to the kiosk. */
  const eventReachesCloud = async (u: StandKiosk, reason: string) => {
    u.kiosk.db.transaction(() => u.kiosk.core.audit.append('hardware.fault', { reason }))();
    const head = u.head();
    await until(
      () => stand.storedEvents(u.lockerId).some((e) => e.seq === head) && u.acked() === head,
      `event ${head} (${reason}) stored by the cloud and acked`,
    );
  };

  it('enrols, logs in with the identity it was issued, and its events reach the cloud; after re-enrolment the old identity is refused', async () => {
    const lockerId = `identity-${kind}`;
    const token = await provisionLocker(stand, lockerId);
    const config = standConfig(stand, { lockerId, dataDir, token });
    unit = await startStandKiosk(stand, config);

    const first = readEnrollment(dataDir)!;
    expect(first.mqtt.url).toBe(stand.mqttUrl);
    expect(first.mqtt.username).toBe(lockerId);
    expect(first.mqtt.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(statSync(join(dataDir, ENROLLMENT_FILE)).mode & 0o777).toBe(0o600);
    await eventReachesCloud(unit, 'first identity');

    // The unit enrols again (its enrolment file lost; same token, same keys): a new identity.
    await unit.close();
    unit = null;
    unlinkSync(join(dataDir, ENROLLMENT_FILE));
    unit = await startStandKiosk(stand, config);
    const second = readEnrollment(dataDir)!;
    expect(second.mqtt.username).toBe(lockerId);
    expect(second.mqtt.password).not.toBe(first.mqtt.password);
    await eventReachesCloud(unit, 'second identity');

    const login = (password: string) => ({
      ...targetOf(stand.mqttUrl),
      clientId: lockerId,
      username: lockerId,
      password,
    });
    const { presence } = lockerTopics('locker/v1', lockerId);
    const online = JSON.stringify({ v: 1, status: 'online' });
    const old = await mosquittoPub(login(first.mqtt.password!), {
      topic: presence,
      payload: online,
    });
    expect(old.status).not.toBe(0);
    expect(old.stderr).toMatch(/bad user name or password|not authori[sz]ed/i);
    expect(unit.online()).toBe(true);
    await eventReachesCloud(unit, 'still online after the old identity was tried');
    // Control: the same client with the new identity gets in (taking the kiosk's session).
    const current = await mosquittoPub(login(second.mqtt.password!), {
      topic: presence,
      payload: online,
    });
    expect(current.stderr).toBe('');
    expect(current.status).toBe(0);
  });
});
