import { describe, expect, it } from 'vitest';
import { isOwnOrigin, isServedHost, servedHosts } from './servedHosts';

describe('servedHosts', () => {
  it('lists every interface address when listening on all of them', () => {
    const served = servedHosts({ listenHost: '0.0.0.0', publicHosts: [] }, 8080);
    expect(served).toContain('127.0.0.1:8080');
    expect(served).toContain('[::1]:8080');
    expect(served).not.toContain('0.0.0.0:8080');
    expect(servedHosts({ listenHost: '::1', publicHosts: [] }, 80)).toEqual(
      new Set(['localhost:80', 'localhost', '127.0.0.1:80', '127.0.0.1', '[::1]:80', '[::1]']),
    );
  });

  it('takes the interface addresses it is given for a wildcard, and ignores them otherwise', () => {
    const lan = () => ['192.0.2.7', 'fe80::1'];
    expect(servedHosts({ listenHost: '::' }, 9000, lan)).toEqual(
      new Set([
        'localhost:9000',
        '127.0.0.1:9000',
        '[::1]:9000',
        '192.0.2.7:9000',
        '[fe80::1]:9000',
      ]),
    );
    expect(servedHosts({ listenHost: '127.0.0.1' }, 9000, lan)).not.toContain('192.0.2.7:9000');
  });

  it('serves public names on the given port, or on any port when they name none', () => {
    const served = servedHosts(
      { listenHost: '127.0.0.1', publicHosts: ['Cloud.Example.org', 'lan.example:9000'] },
      8080,
    );
    expect(served).toContain('cloud.example.org');
    expect(served).toContain('cloud.example.org:8080');
    expect(served).toContain('lan.example:9000');
    expect(served).not.toContain('lan.example');
    expect(served).not.toContain('lan.example:8080');
  });
});

describe('isServedHost', () => {
  const served = servedHosts({ listenHost: '127.0.0.1' }, 4000);
  it('matches in any case, and never an absent Host or a look-alike', () => {
    expect(isServedHost(served, 'LocalHost:4000')).toBe(true);
    expect(isServedHost(served, undefined)).toBe(false);
    expect(isServedHost(served, '')).toBe(false);
    expect(isServedHost(served, 'localhost')).toBe(false);
    expect(isServedHost(served, 'localhost.attacker.example:4000')).toBe(false);
    expect(isServedHost(served, '127.0.0.1:4000.attacker.example')).toBe(false);
  });
});

describe('isOwnOrigin', () => {
  it("accepts the page's own origin in any case, the default port left out as browsers do", () => {
    expect(isOwnOrigin('http://127.0.0.1:4000', '127.0.0.1:4000')).toBe(true);
    expect(isOwnOrigin('http://LOCALHOST:4000', 'localhost:4000')).toBe(true);
    expect(isOwnOrigin('http://[::1]:4000', '[::1]:4000')).toBe(true);
    expect(isOwnOrigin('http://kiosk.example', 'kiosk.example:80')).toBe(true);
    expect(isOwnOrigin('https://kiosk.example', 'kiosk.example', 'https')).toBe(true);
  });

  it('refuses another site, another loopback name or port, another scheme, and odd forms', () => {
    for (const [origin, host] of [
      ['https://attacker.example', '127.0.0.1:4000'],
      ['http://rebind.attacker.example:4000', '127.0.0.1:4000'],
      ['http://localhost:4000', '127.0.0.1:4000'],
      ['http://127.0.0.1:4001', '127.0.0.1:4000'],
      ['https://127.0.0.1:4000', '127.0.0.1:4000'],
      ['null', '127.0.0.1:4000'],
      ['', '127.0.0.1:4000'],
      ['http://127.0.0.1:4000/', '127.0.0.1:4000'],
      ['http://user@127.0.0.1:4000', '127.0.0.1:4000'],
      ['http://kiosk.example:80', 'kiosk.example'],
      ['http://a.example:4000', 'a.example:4000/x'],
      ['http://a.example:4000', 'user@a.example:4000'],
    ] as const)
      expect(isOwnOrigin(origin, host), `${origin} from ${host}`).toBe(false);
    expect(isOwnOrigin(undefined, '127.0.0.1:4000')).toBe(false);
  });
});
