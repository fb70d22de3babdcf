import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicKeyToRaw } from '../../shared/node/ed25519';
import {
  cloudKeys,
  deviceKeys,
  fixedIdentity,
  smallLockerConfig,
  startFixture,
} from '../services/testSupport/kioskFixture';
import { ackedSeq, chainHead } from '../store/events';
import { startCloudConnection } from './cloudConnection';
import { EnrollmentRequestSchema, readEnrollment, requestEnrollment } from './enrollment';
import { CloudPeer, until } from './testSupport/cloudPeer';
import { Mosquitto } from './testSupport/mosquitto';

let broker: Mosquitto;
let api: Server;
let apiUrl: string;
const requests: { url: string; body: unknown }[] = [];
/** What the fake enrolment endpoint answers next (status, body); then 200 with a valid answer. */
const script: [number, unknown][] = [];

beforeAll(async () => {
  broker = await Mosquitto.start();
  api = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      requests.push({ url: req.url ?? '', body: JSON.parse(text) });
      const [status, body] = script.shift() ?? [
        200,
        {
          cloudPublicKey: publicKeyToRaw(cloudKeys.publicKey),
          mqtt: { url: broker.url, topicPrefix: 'fleet/v1' },
        },
      ];
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  const address = api.address();
  apiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise((resolve) => api.close(resolve));
  await broker.stop();
});

describe('enrolment', () => {
  it('sends the token, the device public key and the code-digest key, and validates the answer', async () => {
    requests.length = 0;
    script.push([200, { cloudPublicKey: 'short', mqtt: { url: 'http://x', topicPrefix: '' } }]);
    const bad = await requestEnrollment({
      apiUrl,
      lockerId: 'enrol-a',
      token: 'tok-1',
      identity: fixedIdentity,
    });
    expect(bad).toMatchObject({ ok: false, error: { reason: 'invalid_response' } });
    script.push([403, { error: 'token already used' }]);
    const refused = await requestEnrollment({
      apiUrl,
      lockerId: 'enrol-a',
      token: 'tok-1',
      identity: fixedIdentity,
    });
    expect(refused).toMatchObject({ ok: false, error: { reason: 'http', status: 403 } });
    const unreachable = await requestEnrollment({
      apiUrl: 'http://127.0.0.1:1',
      lockerId: 'enrol-a',
      token: 'tok-1',
      identity: fixedIdentity,
    });
    expect(unreachable).toMatchObject({ ok: false, error: { reason: 'network' } });

    expect(requests[0]!.url).toBe('/api/v1/lockers/enrol-a/enroll');
    expect(EnrollmentRequestSchema.parse(requests[0]!.body)).toEqual({
      token: 'tok-1',
      devicePublicKey: publicKeyToRaw(deviceKeys.publicKey),
      codeDigestKey: fixedIdentity.codeDigestKey().toString('base64url'),
    });
  });

  it('enrols on first start (retrying after errors), stores the answer 0600, and connects to the broker it names', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'enrol-'));
    const config = smallLockerConfig({
      lockerId: 'enrol-b',
      dataDir,
      cloud: {
        brokerUrl: 'embedded',
        topicPrefix: 'locker/v1',
        enrollmentToken: 'tok-2',
        apiUrl,
        publishesPerSecond: 100,
      },
    });
    const f = await startFixture({ config });
    const peer = await CloudPeer.connect({
      url: broker.url,
      lockerId: 'enrol-b',
      prefix: 'fleet/v1',
      devicePublicKey: deviceKeys.publicKey,
      cloudPrivateKey: generateKeyPairSync('ed25519').privateKey,
    });
    script.push([503, { error: 'try later' }]);
    const statuses: (string | undefined)[] = [];
    const cloud = startCloudConnection({
      config,
      core: f.core,
      db: f.db,
      identity: fixedIdentity,
      log: pino({ level: 'silent' }),
      clock: f.clock,
      tuning: { backoff: { initialMs: 50, maxMs: 200, factor: 2 } },
    });
    cloud.onStatus((s) => statuses.push(s.lastError?.code));
    try {
      await until(() => cloud.status().connection === 'online', 'online after enrolment', 20_000);
      expect(statuses).toContain('enrolment_failed');
      const stored = readEnrollment(dataDir);
      expect(stored).toMatchObject({
        lockerId: 'enrol-b',
        cloudPublicKey: publicKeyToRaw(cloudKeys.publicKey),
        mqtt: { url: broker.url, topicPrefix: 'fleet/v1' },
      });
      expect(statSync(join(dataDir, 'cloud-enrollment.json')).mode & 0o777).toBe(0o600);
      await until(
        () => ackedSeq(f.db) === chainHead(f.db)?.seq,
        'events delivered under the enrolled prefix',
      );
      expect(peer.events.length).toBe(chainHead(f.db)?.seq);
    } finally {
      await cloud.close();
      await peer.close();
      await f.core.close();
    }
    // The next start uses the stored enrolment without asking again.
    const before = requests.length;
    const again = startCloudConnection({
      config,
      core: f.core,
      db: f.db,
      identity: fixedIdentity,
      log: pino({ level: 'silent' }),
    });
    try {
      await until(() => again.status().connection === 'online', 'online from the stored enrolment');
      expect(requests.length).toBe(before);
    } finally {
      await again.close();
      f.db.close();
    }
  });

  it('reports a kiosk with neither a cloud key nor an enrolment token as not enrolled', async () => {
    const config = smallLockerConfig({
      lockerId: 'enrol-c',
      dataDir: mkdtempSync(join(tmpdir(), 'enrol-')),
    });
    const f = await startFixture({ config });
    const cloud = startCloudConnection({
      config,
      core: f.core,
      db: f.db,
      identity: fixedIdentity,
      log: pino({ level: 'silent' }),
    });
    expect(cloud.status()).toMatchObject({
      connection: 'offline',
      lastError: { code: 'not_enrolled' },
    });
    await cloud.close();
    f.db.close();
  });
});
