import { describe, expect, it } from 'vitest';
import { parseArgs } from './args';

describe('npm run cloud options', () => {
  it('defaults to ports 8080/1883 with the embedded broker', () => {
    expect(parseArgs([])).toEqual({
      ok: true,
      args: { httpPort: 8080, dataDir: '.data/cloud', host: '127.0.0.1', scheduler: true },
    });
  });

  it('reads ports, data dir, broker and flags in both spellings', () => {
    const r = parseArgs([
      '--http-port',
      '0',
      '--broker=mqtt://127.0.0.1:1884',
      '--broker-accounts',
      'mosquitto-dynsec',
      '--data-dir',
      '/tmp/x',
      '--no-scheduler',
    ]);
    expect(r).toEqual({
      ok: true,
      args: {
        httpPort: 0,
        broker: 'mqtt://127.0.0.1:1884',
        brokerAccounts: 'mosquitto-dynsec',
        dataDir: '/tmp/x',
        host: '127.0.0.1',
        scheduler: false,
      },
    });
  });

  it('names the mistake', () => {
    expect(parseArgs(['--http-port', '70000'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('httpPort'),
    });
    expect(parseArgs(['--mqtt-port'])).toEqual({ ok: false, error: '--mqtt-port needs a value' });
    expect(parseArgs(['--colour', 'red'])).toEqual({ ok: false, error: 'unknown option --colour' });
    expect(parseArgs(['--mqtt-port', '1', '--broker', 'mqtt://h:1'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('exclude each other'),
    });
    expect(parseArgs(['--broker', 'http://h'])).toMatchObject({ ok: false });
  });

  it('takes the credentials out of --broker: the cloud keeps them, the URL for units has none', () => {
    const r = parseArgs([
      '--broker',
      'mqtts://cloud-a:s3cr%40t@mq.example.org:8883',
      '--broker-accounts',
      'mosquitto-dynsec',
      '--broker-ca',
      '/etc/ca.pem',
    ]);
    expect(r).toEqual({
      ok: true,
      args: {
        httpPort: 8080,
        broker: 'mqtts://mq.example.org:8883',
        brokerCredentials: { username: 'cloud-a', password: 's3cr@t' },
        brokerAccounts: 'mosquitto-dynsec',
        brokerCa: '/etc/ca.pem',
        dataDir: '.data/cloud',
        host: '127.0.0.1',
        scheduler: true,
      },
    });
    const { brokerCredentials: _kept, ...rest } = r.ok ? r.args : { brokerCredentials: null };
    expect(JSON.stringify(rest)).not.toMatch(/s3cr|cloud-a/);
    expect(
      parseArgs(['--broker', 'mqtts://only-user@h:8883', '--broker-accounts', 'managed-elsewhere']),
    ).toMatchObject({
      ok: false,
      error: expect.stringContaining('both a username and a password'),
    });
  });

  it('says which broker-account backend works with which broker', () => {
    expect(parseArgs(['--broker', 'mqtts://h:8883'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('--broker needs --broker-accounts'),
    });
    expect(
      parseArgs(['--broker', 'mqtts://h:8883', '--broker-accounts', 'embedded']),
    ).toMatchObject({
      ok: false,
      error: expect.stringContaining('embedded broker'),
    });
    expect(parseArgs(['--broker-accounts', 'mosquitto-dynsec'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('need an external broker'),
    });
    expect(parseArgs(['--broker-accounts', 'ldap'])).toMatchObject({ ok: false });
    expect(parseArgs(['--broker-ca', '/ca.pem'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('for an external broker'),
    });
    expect(
      parseArgs([
        '--broker',
        'mqtts://h:8883',
        '--broker-accounts',
        'managed-elsewhere',
        '--broker-cert',
        '/c.pem',
      ]),
    ).toMatchObject({ ok: false, error: '--broker-cert and --broker-key go together' });
  });

  it('refuses to listen on every interface without being told where units should connect', () => {
    for (const host of ['0.0.0.0', '::', '[::]']) {
      expect(parseArgs(['--host', host])).toMatchObject({
        ok: false,
        error: expect.stringContaining('--advertise-mqtt'),
      });
    }
    expect(
      parseArgs(['--host', '0.0.0.0', '--advertise-mqtt', 'mqtts://lockers.example.org:8883']),
    ).toMatchObject({ ok: true, args: { advertiseMqtt: 'mqtts://lockers.example.org:8883' } });
    expect(parseArgs(['--advertise-mqtt', 'mqtt://0.0.0.0:1883'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('not an address units can connect to'),
    });
    expect(parseArgs(['--advertise-mqtt', 'mqtts://u:p@h:8883'])).toMatchObject({
      ok: false,
      error: expect.stringContaining('must not carry credentials'),
    });
  });

  it('reads --public-host as a comma-separated list of names, refusing anything else', () => {
    expect(
      parseArgs(['--public-host', 'Cloud.example.org, lan.example:9000,[::1]:8080']),
    ).toMatchObject({
      ok: true,
      args: { publicHost: ['cloud.example.org', 'lan.example:9000', '[::1]:8080'] },
    });
    for (const bad of ['http://cloud.example.org', 'a b', 'cloud.example.org/x', ''])
      expect(parseArgs(['--public-host', bad]), bad).toMatchObject({
        ok: false,
        error: expect.stringContaining('publicHost'),
      });
  });

  it('reads --public-url as an http(s) URL for the status page links, refusing anything else', () => {
    expect(parseArgs(['--public-url', 'https://lockers.example.org'])).toMatchObject({
      ok: true,
      args: { publicUrl: 'https://lockers.example.org' },
    });
    for (const bad of ['lockers.example.org', 'ftp://lockers.example.org', 'javascript:alert(1)'])
      expect(parseArgs(['--public-url', bad]), bad).toMatchObject({
        ok: false,
        error: expect.stringContaining('publicUrl'),
      });
  });
});
