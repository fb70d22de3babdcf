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
});
