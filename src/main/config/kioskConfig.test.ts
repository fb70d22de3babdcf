import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatConfigError, loadKioskConfig, parseKioskConfig } from './kioskConfig';

const demo = join(import.meta.dirname, 'demo-kiosk.json');
const write = (content: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'kiosk.json');
  writeFileSync(file, content);
  return file;
};

describe('kiosk configuration', () => {
  it('accepts the shipped demo: three columns, 24 compartments of mixed sizes', () => {
    const r = loadKioskConfig(demo);
    if (!r.ok) throw new Error(formatConfigError(r.error));
    expect(r.value.compartments).toHaveLength(24);
    expect(new Set(r.value.compartments.map((c) => c.id[0]))).toEqual(new Set(['A', 'B', 'C']));
    expect(new Set(r.value.compartments.map((c) => c.size))).toEqual(
      new Set(['S', 'M', 'L', 'XL']),
    );
    expect(r.value.policy).toMatchObject({
      holdDays: 3,
      codeLength: 8,
      codeThrottle: { freeAttempts: 5, firstDelaySec: 15, maxDelaySec: 120 },
    });
  });

  it('names every bad field in one message', () => {
    const r = loadKioskConfig(
      write(
        JSON.stringify({
          lockerId: 'Bad Id',
          compartments: [
            {
              id: 'A1',
              board: 0,
              lock: 1,
              size: 'XXL',
              inner: { lengthMm: 1, widthMm: 1, heightMm: -5 },
              maxWeightG: 1,
              lowerDoor: false,
            },
            {
              id: 'A1',
              board: 0,
              lock: 1,
              size: 'S',
              inner: { lengthMm: 1, widthMm: 1, heightMm: 1 },
              maxWeightG: 1,
              lowerDoor: false,
            },
          ],
          serial: { kind: 'serial', path: '/dev/ttyUSB0', protocol: 'modbus', echo: 'maybe' },
          scanner: { kind: 'simulator' },
          cloud: { brokerUrl: 'embedded' },
          policy: { codeLength: 4, doors: { solenoidCooldownMs: 0, openDetectSec: 1 } },
          dataDir: '/var/lib/locker',
        }),
      ),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = formatConfigError(r.error);
    for (const field of [
      'lockerId',
      'compartments[0].size',
      'compartments[0].inner.heightMm',
      'serial.protocol',
      'serial.echo',
      'policy.codeLength',
      'policy.doors.solenoidCooldownMs',
      'policy.doors.openDetectSec',
      'compartments[1].id',
      'compartments[1].lock',
    ]) {
      expect(text).toContain(field);
    }
  });

  // Found by the fuzz drill: the duplicate check read fields of any kind before the schema had
  // said they were numbers. A lock given as {"toString": 1} threw a TypeError out of the loader,
  // and one given as an object was reported as "lock [object Object] is already used".
  it('reports a compartment field of the wrong kind once, plainly, and never throws', () => {
    const config = JSON.parse(readFileSync(demo, 'utf8')) as { compartments: object[] };
    const [first, second] = config.compartments as Record<string, unknown>[];
    const broken = {
      ...config,
      compartments: [
        { ...first, lock: { toString: 1 } },
        { ...second, lock: { toString: 1 } },
        ...config.compartments.slice(2),
      ],
    };
    const r = loadKioskConfig(write(JSON.stringify(broken)));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.problems).toEqual([
      expect.stringMatching(/^compartments\[0\]\.lock: /),
      expect.stringMatching(/^compartments\[1\]\.lock: /),
    ]);
    expect(r.error.problems.join('\n')).not.toContain('[object Object]');
  });

  it('reports unreadable files and broken JSON', () => {
    expect(loadKioskConfig('/nonexistent/kiosk.json')).toMatchObject({
      ok: false,
      error: { problems: [expect.stringContaining('cannot read')] },
    });
    expect(loadKioskConfig(write('{ nope'))).toMatchObject({
      ok: false,
      error: { problems: [expect.stringContaining('not valid JSON')] },
    });
  });

  it('refuses a plain http:// API or mqtt:// / ws:// broker except on loopback, naming the URL', () => {
    const raw = JSON.parse(readFileSync(demo, 'utf8')) as Record<string, unknown>;
    const withCloud = (cloud: Record<string, unknown>) =>
      parseKioskConfig({ ...raw, cloud: { brokerUrl: 'embedded', ...cloud } }, 'kiosk.json');
    expect(
      withCloud({ apiUrl: 'https://cloud.example.org', brokerUrl: 'mqtts://mq.example.org:8883' })
        .ok,
    ).toBe(true);
    expect(
      withCloud({ apiUrl: 'http://127.0.0.1:8080', brokerUrl: 'mqtt://localhost:1883' }).ok,
    ).toBe(true);
    expect(withCloud({ brokerUrl: 'wss://mq.example.org/mqtt' }).ok).toBe(true);

    const r = withCloud({
      apiUrl: 'http://127.0.0.1.evil.example',
      brokerUrl: 'mqtt://mq.example.org:1883',
      enrollmentToken: 'x',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^cloud\.apiUrl: http:\/\/127\.0\.0\.1\.evil\.example is not encrypted/,
        ),
        expect.stringMatching(/^cloud\.brokerUrl: mqtt:\/\/mq\.example\.org:1883 is not encrypted/),
      ]),
    );
    expect(withCloud({ brokerUrl: 'ws://mq.example.org/mqtt' }).ok).toBe(false);
    expect(withCloud({ apiUrl: 'http://127.0.0.1@evil.example' }).ok).toBe(false);
  });

  it('takes a broker username only with its password file', () => {
    const raw = JSON.parse(readFileSync(demo, 'utf8')) as Record<string, unknown>;
    const withCloud = (cloud: Record<string, unknown>) =>
      parseKioskConfig({ ...raw, cloud: { brokerUrl: 'embedded', ...cloud } }, 'kiosk.json');
    const both = withCloud({ brokerUsername: 'locker-1', brokerPasswordFile: '/etc/locker/pw' });
    expect(both.ok && both.value.cloud).toMatchObject({
      brokerUsername: 'locker-1',
      brokerPasswordFile: '/etc/locker/pw',
    });
    for (const half of [{ brokerUsername: 'locker-1' }, { brokerPasswordFile: '/etc/locker/pw' }])
      expect(withCloud(half)).toMatchObject({
        ok: false,
        error: {
          problems: ['cloud.brokerPasswordFile: brokerUsername and brokerPasswordFile go together'],
        },
      });
  });
});
