/**
 * Live traffic from the cloud while a drill runs: parcels announced and returns booked for one
 * locker through the cloud's REST API, each becoming a signed command to the kiosk. Refusals
 * (the locker is full) are counted, not errors: no capacity is promised twice.
 */
import type { FlushCloud } from '../../benchSupport/flushCloud';

export interface CloudTraffic {
  stop(): Promise<void>;
  /** Allocations and returns the cloud accepted (each one command). */
  readonly sent: number;
  readonly refused: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rand = (n: number) => Math.floor(Math.random() * n);

export function startCloudTraffic(
  cloud: FlushCloud,
  lockerId: string,
  everyMs = 300,
): CloudTraffic {
  let running = true;
  const state = { sent: 0, refused: 0 };
  const customer = { name: 'Ada Lovelace', phone: '+49 30 1234567', email: 'ada@example.org' };
  const loop = (async () => {
    for (let n = 0; running; n++) {
      const reply =
        rand(10) < 7
          ? await cloud.call('POST', '/api/v1/allocations', {
              lockerId,
              parcelId: `${lockerId}-${n}`,
              trackingBarcode: `TRK${lockerId.toUpperCase()}${n}`,
              dimensions: { lengthMm: 300, widthMm: 200, heightMm: 60 + rand(100) },
              weightG: 1200,
              customer,
            })
          : await cloud.call('POST', '/api/v1/returns', {
              lockerId,
              size: rand(2) === 0 ? 'S' : 'M',
              customer,
            });
      if (reply.status < 300) state.sent += 1;
      else state.refused += 1; // full: no capacity promised twice
      await sleep(everyMs / 2 + rand(everyMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
    get sent() {
      return state.sent;
    },
    get refused() {
      return state.refused;
    },
  };
}
