/**
 * Bench support: the cloud's REST API over real keep-alive sockets (one per concurrent client),
 * and the set-up every cloud benchmark needs: lockers provisioned with a layout and enrolled
 * with a device identity, so the cloud has somewhere to send their commands.
 */
import { Agent, request } from 'node:http';
import type { Size } from '../../src/shared/domain';
import type { CompartmentSpec, EnrollResponse } from '../../src/shared/rest/schemas';
import { deviceIdentity, type DeviceIdentity } from '../../cloud-mock/testSupport/device';

export interface RestAnswer {
  status: number;
  body: unknown;
}

/** JSON over HTTP/1.1 with keep-alive; `sockets` caps the connections (one per client). */
export class CloudRest {
  private readonly agent: Agent;
  private readonly base: URL;

  constructor(httpUrl: string, sockets: number) {
    this.base = new URL(httpUrl);
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  send(method: string, path: string, key: string | null, body?: unknown): Promise<RestAnswer> {
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: this.base.hostname,
          port: this.base.port,
          method,
          path,
          headers: {
            // The Host the cloud serves (its own address), as any client of it sends.
            host: this.base.host,
            ...(key === null ? {} : { authorization: `Bearer ${key}` }),
            ...(payload
              ? { 'content-type': 'application/json', 'content-length': payload.length }
              : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text === '' ? null : JSON.parse(text);
            } catch {
              // not JSON: keep the text, the caller reports it
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload ?? undefined);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

const SIZE_SPEC: Record<Size, Omit<CompartmentSpec, 'id' | 'size' | 'lowerDoor'>> = {
  S: { inner: { lengthMm: 400, widthMm: 350, heightMm: 90 }, maxWeightG: 10_000 },
  M: { inner: { lengthMm: 400, widthMm: 350, heightMm: 190 }, maxWeightG: 15_000 },
  L: { inner: { lengthMm: 600, widthMm: 400, heightMm: 390 }, maxWeightG: 25_000 },
  XL: { inner: { lengthMm: 600, widthMm: 500, heightMm: 590 }, maxWeightG: 40_000 },
};

/**
 * `count` compartments (at most 200, the API's limit) in the proportions of a real locker wall:
 * 40 % S, 35 % M, 20 % L, 5 % XL (at least one of each); ids A1…, 25 to a column.
 */
export function lockerLayout(count: number): CompartmentSpec[] {
  const xl = Math.max(1, Math.round(count * 0.05));
  const l = Math.max(1, Math.round(count * 0.2));
  const m = Math.max(1, Math.round(count * 0.35));
  const s = Math.max(1, count - xl - l - m);
  const sizes: Size[] = [
    ...Array<Size>(s).fill('S'),
    ...Array<Size>(m).fill('M'),
    ...Array<Size>(l).fill('L'),
    ...Array<Size>(xl).fill('XL'),
  ];
  return sizes.map((size, i) => ({
    id: `${String.fromCharCode(65 + Math.floor(i / 25))}${(i % 25) + 1}`,
    size,
    lowerDoor: i % 25 >= 20,
    ...SIZE_SPEC[size],
  }));
}

export interface BenchLocker extends DeviceIdentity {
  layout: CompartmentSpec[];
  enrollment: EnrollResponse;
}

/** Provisions and enrols `count` lockers `L-000…` through the REST API, as an operator would. */
export async function provisionLockers(
  rest: CloudRest,
  operatorKey: string,
  count: number,
  compartments: number,
): Promise<BenchLocker[]> {
  const lockers: BenchLocker[] = [];
  for (let i = 0; i < count; i++) {
    const id = `L-${String(i + 1).padStart(4, '0')}`;
    const layout = lockerLayout(compartments);
    const provisioned = await rest.send('POST', '/api/v1/lockers', operatorKey, {
      id,
      name: `Bench locker ${i + 1}`,
      address: `Benchstraße ${i + 1}, Berlin`,
      lat: 52.5 + i / 1000,
      lng: 13.4 + i / 1000,
      compartments: layout,
    });
    if (provisioned.status !== 201)
      throw new Error(`provision ${id}: ${provisioned.status} ${JSON.stringify(provisioned.body)}`);
    const token = (provisioned.body as { enrollmentToken: string }).enrollmentToken;
    const identity = deviceIdentity(id, 1 + (i % 250));
    const enrolled = await rest.send('POST', `/api/v1/lockers/${id}/enroll`, null, {
      token,
      devicePublicKey: identity.devicePublicKey,
      codeDigestKey: identity.codeDigestKey.toString('base64url'),
    });
    if (enrolled.status !== 200)
      throw new Error(`enroll ${id}: ${enrolled.status} ${JSON.stringify(enrolled.body)}`);
    lockers.push({ ...identity, layout, enrollment: enrolled.body as EnrollResponse });
  }
  return lockers;
}
