import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY_PATTERN } from '../../src/shared/rest/apiKeys';
import type { EnrollResponse, Notification } from '../../src/shared/rest/schemas';
import { revokeKey } from '../services/apiKeys';
import { openDatabase } from '../store/database';
import {
  allocationRequest,
  enrolledUnit,
  inbox,
  loginOf,
  mintKey,
  startTestCloud,
  type TestCloud,
} from '../testSupport/cloudFixture';
import { DeviceLink } from '../testSupport/device';

/**
 * A busy day at the cloud, every secret of it on the wire: keys good, forged and revoked, an
 * enrolment token (and a wrong one), the broker passwords it issued, pickup and return codes, QR payloads, a staff badge. Then
 * the cloud's own log, as captured at debug level, is searched for each of them.
 */
describe('secrets never reach the log', () => {
  let cloud: TestCloud;
  const secrets = new Map<string, string>();
  beforeAll(async () => {
    cloud = await startTestCloud();
  });
  afterAll(() => cloud.close());

  it('holds no key, Authorization value, enrolment token, code, QR payload or badge', async () => {
    for (const [role, key] of Object.entries(cloud.keys)) secrets.set(`${role} key`, key);

    const { locker, chain, link: first } = await enrolledUnit(cloud, 'LOG-1', 61);
    secrets.set('enrolment token', locker.token);
    secrets.set('enrolment secret', locker.token.split('.')[1]!);
    secrets.set('broker password', locker.login.password!);
    const replay = await cloud.request<EnrollResponse>('POST', '/api/v1/lockers/LOG-1/enroll', {
      token: locker.token,
      devicePublicKey: locker.devicePublicKey,
      codeDigestKey: locker.codeDigestKey.toString('base64url'),
    });
    expect(replay.status).toBe(200);
    // Enrolling again issued a new broker identity and ended the old one's session.
    await first.close();
    const login = loginOf('LOG-1', replay.body);
    secrets.set('broker password after re-enrolment', login.password!);
    const link = await DeviceLink.connect(cloud.mqttUrl, login, {
      cloudPublicKey: cloud.cloudPublicKey,
    });
    const wrongToken = locker.token.slice(0, -3) + (locker.token.endsWith('AAA') ? 'BBB' : 'AAA');
    secrets.set('wrong enrolment token', wrongToken);
    await cloud.request('POST', '/api/v1/lockers/LOG-1/enroll', {
      token: wrongToken,
      devicePublicKey: locker.devicePublicKey,
      codeDigestKey: locker.codeDigestKey.toString('base64url'),
    });

    // A parcel deposited: its pickup code and QR go to the inbox.
    const allocated = await cloud.request(
      'POST',
      '/api/v1/allocations',
      allocationRequest('LOG-1', 'P-LOG'),
      'merchant',
    );
    expect(allocated.status).toBe(201);
    await link.commands.next();
    await link.publishEvents([
      chain.next('parcel.deposited', {
        parcelId: 'P-LOG',
        trackingBarcode: 'TRKP-LOG',
        compartmentId: 'A1',
        courier: 'courier-7',
        expiresAt: new Date(cloud.clock.now() + 3 * 86_400_000).toISOString(),
        announced: true,
      }),
    ]);
    expect(await link.acks.next()).toBe(1);
    await link.close();
    const notices: Notification[] = await inbox(cloud, 'parcelId=P-LOG');
    const pickup = notices.find((n) => n.kind === 'pickup_code')!;
    secrets.set('pickup code', pickup.code!);
    secrets.set('pickup QR', pickup.qrPayload!);

    const ret = await cloud.request<{ returnCode: string }>('POST', '/api/v1/returns', {
      lockerId: 'LOG-1',
      size: 'S',
      customer: { name: 'Ada', email: 'ada@example.org' },
    });
    secrets.set('return code', ret.body.returnCode);
    const badge = await cloud.request<{ token: string }>('POST', '/api/v1/badges', {
      role: 'staff',
      subject: 'staff-1',
      validDays: 30,
    });
    secrets.set('badge', badge.body.token);

    // Keys that do not work, sent in every way a caller gets it wrong.
    const revoked = mintKey(cloud.dataDir, 'operator', 'revoked');
    const db = openDatabase(join(cloud.dataDir, 'cloud.sqlite'));
    revokeKey(db, API_KEY_PATTERN.exec(revoked)![1]!, Date.now());
    db.close();
    const forged = cloud.keys.operator.slice(0, -5) + 'xxxxx';
    const basic = Buffer.from(`ops:${cloud.keys.operator}`).toString('base64');
    secrets.set('revoked key', revoked);
    secrets.set('forged key', forged);
    secrets.set('basic credentials', basic);
    for (const authorization of [
      `Bearer ${revoked}`,
      `Bearer ${forged}`,
      `Basic ${basic}`,
      `Token ${cloud.keys.merchant}`,
      `Bearer ${cloud.keys.merchant}`,
    ])
      await cloud.inject(
        { method: 'POST', url: '/api/v1/badges', headers: { authorization }, payload: {} },
        'anonymous',
      );
    // A foreign Host with a good key, and a body with a code in it that is not JSON.
    await cloud.inject({
      method: 'GET',
      url: '/api/v1/notifications',
      headers: { host: 'rebind.attacker.example' },
    });
    await cloud.inject({
      method: 'POST',
      url: '/api/v1/allocations/00000000-0000-4000-8000-000000000000/extend',
      headers: { 'content-type': 'application/json' },
      payload: `{"days": 1, "code": "${pickup.code!}"`,
    });

    const log = JSON.stringify(cloud.logs.records);
    // The log is there and says what happened, with reasons and key ids.
    const msgs = cloud.logs.records.map((r) => r.msg);
    expect(msgs).toContain('locker enrolled');
    expect(msgs).toContain('request refused: no valid API key');
    expect(msgs).toContain('request refused: the key may not call this');
    expect(msgs).toContain('request refused: its Host is not one this cloud serves');
    expect(cloud.logs.records).toContainEqual(
      expect.objectContaining({
        msg: 'request',
        method: 'POST',
        route: '/api/v1/allocations',
        status: 201,
        role: 'merchant',
        keyId: API_KEY_PATTERN.exec(cloud.keys.merchant)![1],
      }),
    );
    for (const [what, secret] of secrets) {
      expect(secret.length, what).toBeGreaterThanOrEqual(6);
      // Digits only count as the code when no other digit touches them (times are digits too).
      const pattern = new RegExp(`(?<![0-9])${secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
      expect(pattern.test(log), `${what} is in the log`).toBe(false);
    }
    expect(log).not.toMatch(/bearer|authorization/i);
  });
});
