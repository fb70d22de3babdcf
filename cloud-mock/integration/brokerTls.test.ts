/**
 * TLS between the real kiosk, the real cloud-mock and Mosquitto, with a CA, server and client
 * certificates made by the real `openssl`: the kiosk verifies the broker with the CA (and may
 * present a client certificate where the broker requires one), the cloud's own link uses
 * --broker-ca / --broker-cert / --broker-key, and a broker whose certificate another CA signed is
 * refused by both and shown as a TLS error in the kiosk's link status.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileIdentityStore } from '../../src/main/identity/fileIdentityStore';
import { parseKioskConfig, type KioskConfig } from '../../src/main/config/kioskConfig';
import { startKiosk, type Kiosk } from '../../src/main/kiosk';
import { chainHead } from '../../src/main/store/events';
import { publicKeyToRaw } from '../../src/shared/node/ed25519';
import { Mosquitto } from '../../src/shared/node/testSupport/mosquitto';
import { mosquittoSub, targetOf } from '../../src/shared/node/testSupport/mosquittoClients';
import { makeTestPki, type TestPki } from '../../src/shared/node/testSupport/testPki';
import type { EnrollResponse, ProvisionLockerResponse } from '../../src/shared/rest/schemas';
import { startCloud, type RunningCloud } from '../cloud';
import { mintKey } from '../testSupport/cloudFixture';
import { startSecuredMosquitto, type SecuredMosquitto } from '../testSupport/securedMosquitto';
import { DEMO_CONFIG, demoLayout, until } from './stand';

const log = () => pino({ level: process.env.IT_LOG ?? 'silent' }, pino.destination(2));

let pki: TestPki;
let secured: SecuredMosquitto;
let impostor: Mosquitto;
let cloud: RunningCloud;
/** An operator's API key, minted in the cloud's data dir as the keys CLI does. */
let operatorKey: string;
const dirs: string[] = [];
const kiosks: Kiosk[] = [];

const tempDir = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), name));
  dirs.push(dir);
  return dir;
};

async function rest<T>(path: string, body: unknown, status: number): Promise<T> {
  const r = await fetch(`${cloud.httpUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorKey}` },
    body: JSON.stringify(body),
  });
  const json = (await r.json()) as T;
  if (r.status !== status) throw new Error(`${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

const provision = (lockerId: string) =>
  rest<ProvisionLockerResponse>(
    '/api/v1/lockers',
    {
      id: lockerId,
      name: `Locker ${lockerId}`,
      address: 'Hauptstraße 1, Berlin',
      lat: 52.52,
      lng: 13.405,
      compartments: demoLayout(),
    },
    201,
  );

function kioskConfig(lockerId: string, dataDir: string, cloudPart: object): KioskConfig {
  const raw = JSON.parse(readFileSync(DEMO_CONFIG, 'utf8')) as Record<string, unknown>;
  const parsed = parseKioskConfig({ ...raw, lockerId, dataDir, cloud: cloudPart }, DEMO_CONFIG);
  if (!parsed.ok) throw new Error(parsed.error.problems.join('\n'));
  return parsed.value;
}

async function start(config: KioskConfig): Promise<Kiosk> {
  const kiosk = await startKiosk(config, log(), { softwareVersion: '0.1.0-tls', cloud: true });
  kiosks.push(kiosk);
  return kiosk;
}

/** The kiosk appends an event; the cloud stores it and acks it back. */
async function eventReachesCloud(kiosk: Kiosk): Promise<void> {
  kiosk.db.transaction(() => kiosk.core.audit.append('hardware.fault', { reason: 'tls' }))();
  const head = chainHead(kiosk.db)!.seq;
  await until(() => kiosk.cloud!.status().ackedSeq === head, `event ${head} acked over TLS`);
}

beforeAll(async () => {
  pki = makeTestPki();
  secured = await startSecuredMosquitto({ tls: { caFile: pki.caFile, ...pki.server } });
  impostor = await Mosquitto.start({ tls: { caFile: pki.caFile, ...pki.impostorServer } });
  const cloudCert = pki.client('cloud-test');
  const cloudDir = tempDir('cloud-tls-');
  cloud = await startCloud({
    dataDir: cloudDir,
    httpPort: 0,
    ...secured.cloudOptions,
    // The cloud itself on the listener that requires a client certificate.
    brokerUrl: secured.mosquitto.mutualTlsUrl,
    brokerTls: { caFile: pki.caFile, ...cloudCert },
    advertisedMqttUrl: secured.mosquitto.tlsUrl,
    log: log(),
    scheduler: false,
  });
  operatorKey = mintKey(cloudDir, 'operator');
});
afterAll(async () => {
  for (const k of kiosks) await k.close();
  await cloud?.close();
  await secured?.mosquitto.close();
  await impostor?.close();
  pki?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('TLS on Mosquitto', () => {
  it('a kiosk verifies the broker with the CA, enrols and its events reach the cloud over mqtts', async () => {
    const lockerId = 'tls-enrolled';
    const { enrollmentToken } = await provision(lockerId);
    const kiosk = await start(
      kioskConfig(lockerId, tempDir('kiosk-tls-'), {
        brokerUrl: secured.mosquitto.tlsUrl,
        apiUrl: cloud.httpUrl,
        enrollmentToken,
        tls: { caFile: pki.caFile },
      }),
    );
    await until(() => kiosk.cloud!.status().connection === 'online', 'online over mqtts');
    await eventReachesCloud(kiosk);
  });

  it('a kiosk set up by hand logs in with its password file and presents its client certificate where the broker requires one; without it, or with a wrong password, it is refused', async () => {
    const lockerId = 'tls-by-hand';
    const dataDir = tempDir('kiosk-tls-hand-');
    // The unit's keys exist before the operator enrols it on its behalf.
    const identity = FileIdentityStore.open(join(dataDir, 'identity.json'));
    const { enrollmentToken } = await provision(lockerId);
    const enrolled = await rest<EnrollResponse>(
      `/api/v1/lockers/${lockerId}/enroll`,
      {
        token: enrollmentToken,
        devicePublicKey: publicKeyToRaw(identity.deviceKey().publicKey),
        codeDigestKey: identity.codeDigestKey().toString('base64url'),
      },
      200,
    );
    const passwordFile = join(dataDir, 'broker-password');
    writeFileSync(passwordFile, `${enrolled.mqtt.password!}\n`, { mode: 0o600 });
    const byHand = (tls: object) =>
      kioskConfig(lockerId, dataDir, {
        brokerUrl: secured.mosquitto.mutualTlsUrl,
        publicKey: publicKeyToRaw(cloud.cloudPublicKey),
        brokerUsername: enrolled.mqtt.username,
        brokerPasswordFile: passwordFile,
        tls,
      });

    const withoutCert = await start(byHand({ caFile: pki.caFile }));
    await until(
      () => withoutCert.cloud!.status().lastError?.code === 'tls_refused',
      'refused without a client certificate',
    );
    expect(withoutCert.cloud!.status().connection).not.toBe('online');
    await withoutCert.close();
    kiosks.splice(kiosks.indexOf(withoutCert), 1);

    const certified = { caFile: pki.caFile, ...pki.client(lockerId) };
    writeFileSync(passwordFile, 'not-the-password-it-was-issued\n');
    const wrongPassword = await start(byHand(certified));
    await until(
      () => wrongPassword.cloud!.status().lastError?.code === 'not_authorized',
      'a wrong password refused as not_authorized',
    );
    await wrongPassword.close();
    kiosks.splice(kiosks.indexOf(wrongPassword), 1);

    writeFileSync(passwordFile, `${enrolled.mqtt.password!}\n`);
    const kiosk = await start(byHand(certified));
    await until(() => kiosk.cloud!.status().connection === 'online', 'online with its certificate');
    await eventReachesCloud(kiosk);
  });

  it('a broker whose certificate another CA signed is refused by the kiosk (a TLS error in its status), the cloud and mosquitto_sub', async () => {
    const kiosk = await start(
      kioskConfig('tls-impostor', tempDir('kiosk-tls-impostor-'), {
        brokerUrl: impostor.tlsUrl,
        publicKey: publicKeyToRaw(cloud.cloudPublicKey),
        tls: { caFile: pki.caFile },
      }),
    );
    await until(
      () => kiosk.cloud!.status().lastError?.code === 'tls_refused',
      'the impostor refused as a TLS error',
    );
    expect(kiosk.cloud!.status().lastError!.message).toMatch(/TLS/);
    expect(kiosk.cloud!.status().connection).not.toBe('online');

    await expect(
      startCloud({
        dataDir: tempDir('cloud-tls-impostor-'),
        httpPort: 0,
        brokerUrl: impostor.tlsUrl,
        brokerAccounts: 'managed-elsewhere',
        brokerCredentials: secured.cloudLogin,
        brokerTls: { caFile: pki.caFile },
        log: log(),
        scheduler: false,
      }),
    ).rejects.toThrow(/refused the cloud.*(certificate|self.signed)/i);

    const witness = await mosquittoSub(
      targetOf(impostor.tlsUrl, { tls: { caFile: pki.caFile } }),
      ['locker/v1/+/events'],
      { listenMs: 5000 },
    ).done;
    expect(witness.timedOut).toBe(false);
    expect(witness.stderr).toMatch(/certificate verify failed|TLS/i);
    // Control: the genuine broker's certificate passes the same check.
    const genuine = await mosquittoSub(
      targetOf(secured.mosquitto.tlsUrl, { tls: { caFile: pki.caFile } }),
      ['#'],
      { listenMs: 5000 },
    ).done;
    expect(genuine.stderr).not.toMatch(/certificate verify failed/i);
    expect(genuine.stderr).toMatch(/not authori[sz]ed/i); // past TLS, refused as anonymous
  });
});
