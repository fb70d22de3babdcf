/**
 * `npm start`'s ports, chosen once and kept across runs in the dev data dir: the kiosk stored
 * the broker URL at enrolment, and a bookmarked screen or simulator URL keeps working (the
 * screens' token is still new each run).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

export type DevPorts = { http: number; mqtt: number; kiosk: number; sim: number };

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

export async function devPorts(file: string): Promise<DevPorts> {
  const kept = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<DevPorts>)
    : {};
  const ports: DevPorts = {
    http: kept.http ?? (await freePort()),
    mqtt: kept.mqtt ?? (await freePort()),
    kiosk: kept.kiosk ?? (await freePort()),
    sim: kept.sim ?? (await freePort()),
  };
  writeFileSync(file, JSON.stringify(ports));
  return ports;
}
