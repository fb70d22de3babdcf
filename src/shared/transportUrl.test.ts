import { describe, expect, it } from 'vitest';
import { checkTransportUrl } from './transportUrl';

const accepted = (url: string, kind: 'api' | 'broker') => checkTransportUrl(url, kind).ok;

describe('cloud URLs: encrypted, or plain only on loopback', () => {
  it('accepts https for the API and mqtts / wss for the broker, on any host', () => {
    expect(accepted('https://cloud.example.org', 'api')).toBe(true);
    expect(accepted('https://cloud.example.org:8443/base/', 'api')).toBe(true);
    expect(accepted('mqtts://broker.example.org:8883', 'broker')).toBe(true);
    expect(accepted('wss://broker.example.org/mqtt', 'broker')).toBe(true);
  });

  it('accepts plain http, mqtt and ws on 127.0.0.0/8, ::1 and localhost', () => {
    for (const url of [
      'http://127.0.0.1:8080',
      'http://127.1.2.3/',
      'http://localhost:3000/api',
      'http://LOCALHOST:3000',
      'http://[::1]:8080',
    ])
      expect(accepted(url, 'api'), url).toBe(true);
    for (const url of ['mqtt://127.0.0.1:1883', 'mqtt://localhost', 'ws://[::1]:8080/mqtt'])
      expect(accepted(url, 'broker'), url).toBe(true);
  });

  it('refuses plain URLs to any other host, naming the URL', () => {
    const r = checkTransportUrl('http://cloud.example.org', 'api');
    expect(r).toEqual({ ok: false, error: expect.stringContaining('http://cloud.example.org') });
    expect(r.ok || r.error).toMatch(/https:\/\//);
    const b = checkTransportUrl('mqtt://broker.example.org:1883', 'broker');
    expect(b.ok || b.error).toMatch(/mqtt:\/\/broker\.example\.org:1883.*mqtts:\/\//);
    expect(accepted('ws://broker.example.org/mqtt', 'broker')).toBe(false);
    expect(accepted('http://10.0.0.5', 'api')).toBe(false);
    expect(accepted('http://[::2]', 'api')).toBe(false);
  });

  it('is not fooled by hosts that only start with a loopback name, userinfo, or odd spellings', () => {
    for (const url of [
      'http://127.0.0.1.evil.example',
      'http://localhost.evil.example',
      'http://localhost.',
      'http://127.0.0.1@evil.example',
      'http://localhost:80@evil.example/',
      'http://user:pw@127.0.0.1/',
      'http://evil.example#@127.0.0.1',
      'http://evil.example\\@127.0.0.1',
      'http://127.0.0.1\\@evil.example',
      'http://0127.0.0.1/',
      'http://127.0.0.256/',
      'http://2130706433/',
      'http://0x7f.0.0.1/',
      'http://[::ffff:127.0.0.1]/',
      'http://%6c%6f%63%61%6c%68%6f%73%74/',
      ' http://127.0.0.1/',
    ])
      expect(accepted(url, 'api'), url).toBe(false);
    for (const url of [
      'mqtt://127.0.0.1@evil.example:1883',
      'mqtt://evil.example\\@127.0.0.1',
      'mqtt://127.0.0.1.evil.example',
    ])
      expect(accepted(url, 'broker'), url).toBe(false);
  });

  it('refuses the wrong kind of URL and what is not a URL', () => {
    expect(accepted('mqtts://broker.example.org', 'api')).toBe(false);
    expect(accepted('https://cloud.example.org', 'broker')).toBe(false);
    expect(accepted('tcp://127.0.0.1:1883', 'broker')).toBe(false);
    expect(accepted('not a url', 'api')).toBe(false);
  });
});
