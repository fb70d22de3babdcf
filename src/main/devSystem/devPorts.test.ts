import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { devPorts } from './devPorts';

describe("npm start's ports", () => {
  const dir = mkdtempSync(join(tmpdir(), 'dev-ports-'));
  const file = join(dir, 'dev-ports.json');
  afterEach(() => rmSync(file, { force: true }));

  it('are chosen once, four free loopback ports, and kept for every later start', async () => {
    const first = await devPorts(file);
    expect(new Set(Object.values(first)).size).toBe(4);
    for (const port of Object.values(first)) expect(port).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(first);
    expect(await devPorts(file)).toEqual(first);
    expect(await devPorts(file)).toEqual(first);
  });

  it('keeps those it has and chooses only a missing one', async () => {
    writeFileSync(file, JSON.stringify({ http: 40001, mqtt: 40002, kiosk: 40003 }));
    const ports = await devPorts(file);
    expect(ports).toMatchObject({ http: 40001, mqtt: 40002, kiosk: 40003 });
    expect(ports.sim).toBeGreaterThan(0);
    expect(await devPorts(file)).toEqual(ports);
  });
});
