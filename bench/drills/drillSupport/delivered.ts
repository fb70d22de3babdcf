/**
 * Waits until a kiosk has nothing left to say: its chain stopped growing, its file records the
 * cloud's ack of all of it, and the cloud's own store holds all of it.
 */
import { kioskProgress } from '../../benchSupport/flushKioskProcess';
import { readCloudLedger } from './cloudLedger';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the kiosk's head once delivered; throws after `timeoutMs`. */
export async function delivered(
  dbFile: string,
  cloudDataDir: string,
  lockerId: string,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  for (;;) {
    const { head, acked } = kioskProgress(dbFile);
    const stored = readCloudLedger(cloudDataDir, lockerId).distinct;
    if (head === last && acked === head && stored === head) return head;
    if (Date.now() > deadline)
      throw new Error(`not delivered in time: head ${head}, acked ${acked}, cloud ${stored}`);
    last = head;
    await sleep(750);
  }
}
