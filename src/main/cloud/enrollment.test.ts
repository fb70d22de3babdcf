import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicKeyToRaw } from '../../shared/node/ed25519';
import { cloudKeyFingerprint, issueEnrollmentToken } from '../../shared/node/enrollmentToken';
import {
  cloudKeys,
  deviceKeys,
  fixedIdentity,
  smallLockerConfig,
  startFixture,
} from '../services/testSupport/kioskFixture';
import { ackedSeq, chainHead } from '../store/events';
import { startCloudConnection } from './cloudConnection';
import {
  EnrollmentRequestSchema,
  enrollWithRetry,
  readEnrollment,
  requestEnrollment,
  type EnrollmentError,
} from './enrollment';
import { CloudPeer, until } from './testSupport/cloudPeer';
import { Mosquitto } from './testSupport/mosquitto';

let broker: Mosquitto;
let api: Server;
let apiUrl: string;
const requests: { url: string; body: unknown }[] = [];
/** What the fake enrolment endpoint answers next (status, body); then 200 with a valid answer. */
const script: [number, unknown][] = [];
/** One-time tokens pinning the genuine cloud key (the one the fake endpoint answers with). */
const token = () => issueEnrollmentToken(cloudKeys.publicKey);
const impostor = generateKeyPairSync('ed25519');

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
    const tok1 = token();
    script.push([200, { cloudPublicKey: 'short', mqtt: { url: 'http://x', topicPrefix: '' } }]);
    const bad = await requestEnrollment({
      apiUrl,
      lockerId: 'enrol-a',
      token: tok1,
      identity: fixedIdentity,
    });
    expect(bad).toMatchObject({ ok: false, error: { reason: 'invalid_response' } });
    script.push([403, { error: 'token already used' }]);
    const refused = await requestEnrollment({
      apiUrl,
      lockerId: 'enrol-a',
      token: tok1,
      identity: fixedIdentity,
    });
    expect(refused).toMatchObject({ ok: false, error: { reason: 'http', status: 403 } });
    const unreachable = await requestEnrollment({
      apiUrl: 'http://127.0.0.1:1',
      lockerId: 'enrol-a',
      token: tok1,
      identity: fixedIdentity,
    });
    expect(unreachable).toMatchObject({ ok: false, error: { reason: 'network' } });

    expect(requests[0]!.url).toBe('/api/v1/lockers/enrol-a/enroll');
    expect(EnrollmentRequestSchema.parse(requests[0]!.body)).toEqual({
      token: tok1,
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
        enrollmentToken: token(),
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
      // The key whose public half the enrolment answer names: the unit verifies acks with it.
      cloudPrivateKey: cloudKeys.privateKey,
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

  it('refuses an answer carrying another cloud key than the token pins, and stores nothing', async () => {
    requests.length = 0;
    const dataDir = mkdtempSync(join(tmpdir(), 'enrol-'));
    const pinned = token();
    script.push([
      200,
      {
        cloudPublicKey: publicKeyToRaw(impostor.publicKey),
        mqtt: { url: broker.url, topicPrefix: 'locker/v1' },
      },
    ]);
    const errors: EnrollmentError[] = [];
    const abort = new AbortController();
    await expect(
      enrollWithRetry({
        apiUrl,
        lockerId: 'enrol-mitm',
        token: pinned,
        identity: fixedIdentity,
        dataDir,
        log: pino({ level: 'silent' }),
        now: Date.now,
        backoff: { initialMs: 10, maxMs: 10, factor: 1 },
        signal: abort.signal,
        onError: (e) => {
          errors.push(e);
          abort.abort(new Error('stop after the first answer'));
        },
      }),
    ).rejects.toThrow('stop after the first answer');
    expect(requests).toHaveLength(1);
    expect(errors).toEqual([
      {
        reason: 'cloud_key_mismatch',
        message: expect.stringContaining(
          cloudKeyFingerprint(publicKeyToRaw(impostor.publicKey)),
        ) as string,
      },
    ]);
    expect(errors[0]!.message).toContain(cloudKeyFingerprint(publicKeyToRaw(cloudKeys.publicKey)));
    expect(readdirSync(dataDir)).toEqual([]);

    // The genuine cloud's answer to the same token is taken.
    const genuine = await requestEnrollment({
      apiUrl,
      lockerId: 'enrol-mitm',
      token: pinned,
      identity: fixedIdentity,
    });
    expect(genuine).toMatchObject({
      ok: true,
      value: { cloudPublicKey: publicKeyToRaw(cloudKeys.publicKey) },
    });
  });

  it('refuses a token that pins no key, before asking the cloud', async () => {
    requests.length = 0;
    for (const old of ['Zx8m3kQ2vB7nR4tY1uI9oP0aS5dF6gH7', `${token()}x`, token().toLowerCase()]) {
      expect(
        await requestEnrollment({
          apiUrl,
          lockerId: 'enrol-old',
          token: old,
          identity: fixedIdentity,
        }),
      ).toMatchObject({ ok: false, error: { reason: 'bad_token' } });
    }
    expect(requests).toHaveLength(0);
  });

  it('requires https for the API and mqtts / wss for the broker, except on loopback', async () => {
    requests.length = 0;
    for (const insecure of [
      'http://cloud.example.org',
      'http://127.0.0.1.evil.example',
      'http://localhost.evil.example',
      'http://127.0.0.1@evil.example',
    ]) {
      const r = await requestEnrollment({
        apiUrl: insecure,
        lockerId: 'enrol-url',
        token: token(),
        identity: fixedIdentity,
      });
      expect(r).toMatchObject({ ok: false, error: { reason: 'insecure_url' } });
      expect(r.ok || r.error.message).toContain(insecure);
    }
    expect(requests).toHaveLength(0);

    const dataDir = mkdtempSync(join(tmpdir(), 'enrol-'));
    for (const brokerUrl of [
      'mqtt://broker.example.org:1883',
      'ws://127.0.0.1.evil.example/mqtt',
    ]) {
      script.push([
        200,
        {
          cloudPublicKey: publicKeyToRaw(cloudKeys.publicKey),
          mqtt: { url: brokerUrl, topicPrefix: 'locker/v1' },
        },
      ]);
      const r = await requestEnrollment({
        apiUrl,
        lockerId: 'enrol-url',
        token: token(),
        identity: fixedIdentity,
      });
      expect(r).toMatchObject({ ok: false, error: { reason: 'insecure_url' } });
      expect(r.ok || r.error.message).toContain(brokerUrl);
    }
    expect(readdirSync(dataDir)).toEqual([]);
    script.push([
      200,
      {
        cloudPublicKey: publicKeyToRaw(cloudKeys.publicKey),
        mqtt: { url: 'mqtts://broker.example.org:8883', topicPrefix: 'locker/v1' },
      },
    ]);
    expect(
      await requestEnrollment({
        apiUrl,
        lockerId: 'enrol-url',
        token: token(),
        identity: fixedIdentity,
      }),
    ).toMatchObject({ ok: true, value: { mqtt: { url: 'mqtts://broker.example.org:8883' } } });
  });

  it("takes a broker identity only if it is this locker's own, keeps it 0600, and never from a URL", async () => {
    const answer = (mqtt: Record<string, unknown>) => ({
      cloudPublicKey: publicKeyToRaw(cloudKeys.publicKey),
      mqtt: { url: 'mqtts://broker.example.org:8883', topicPrefix: 'locker/v1', ...mqtt },
    });
    const ask = () =>
      requestEnrollment({ apiUrl, lockerId: 'enrol-id', token: token(), identity: fixedIdentity });
    const password = 'p'.repeat(32);
    for (const [mqtt, problem] of [
      [{ username: 'someone-else', password }, 'mqtt.username'],
      [{ username: 'enrol-id' }, 'username and password come together'],
      [{ url: 'mqtts://enrol-id:secret@broker.example.org:8883' }, 'carries credentials'],
    ] as const) {
      script.push([200, answer(mqtt)]);
      expect(await ask()).toMatchObject({
        ok: false,
        error: { reason: 'invalid_response', message: expect.stringContaining(problem) },
      });
    }

    const dataDir = mkdtempSync(join(tmpdir(), 'enrol-'));
    script.push([200, answer({ username: 'enrol-id', password })]);
    const stored = await enrollWithRetry({
      apiUrl,
      lockerId: 'enrol-id',
      token: token(),
      identity: fixedIdentity,
      dataDir,
      log: pino({ level: 'silent' }),
      now: Date.now,
      backoff: { initialMs: 10, maxMs: 10, factor: 1 },
      signal: new AbortController().signal,
      onError: () => {},
    });
    expect(stored.mqtt).toEqual({
      url: 'mqtts://broker.example.org:8883',
      topicPrefix: 'locker/v1',
      username: 'enrol-id',
      password,
    });
    expect(readEnrollment(dataDir)).toEqual(stored);
    expect(statSync(join(dataDir, 'cloud-enrollment.json')).mode & 0o777).toBe(0o600);
  });

  it('says so in its status when a unit set up by hand cannot read its broker password file', async () => {
    const config = smallLockerConfig({
      lockerId: 'enrol-hand',
      dataDir: mkdtempSync(join(tmpdir(), 'enrol-')),
      cloud: {
        brokerUrl: broker.url,
        topicPrefix: 'locker/v1',
        publicKey: publicKeyToRaw(cloudKeys.publicKey),
        brokerUsername: 'enrol-hand',
        brokerPasswordFile: '/nonexistent/broker-password',
        publishesPerSecond: 100,
      },
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
      lastError: {
        code: 'credentials_config',
        message: expect.stringContaining('/nonexistent/broker-password (ENOENT)'),
      },
    });
    await cloud.close();
    await f.core.close();
    f.db.close();
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
