/**
 * The demo walkthrough `npm start` runs on a fresh data dir: the cloud announces parcels, a
 * courier deposits them, a customer mistypes a code and then picks one up. Everything goes
 * through KioskCore and the simulated lock bus, so the log shows the real paths.
 */
import type { Logger } from 'pino';
import type { LockBusSimulator } from '../../../hardware/sim/lockBusSimulator';
import type { Kiosk } from '../kiosk';
import type { DevCloud } from './devCloud';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export async function runWalkthrough(
  kiosk: Kiosk,
  cloud: DevCloud,
  sim: LockBusSimulator,
  log: Logger,
  codeLength: number,
): Promise<void> {
  const { core } = kiosk;
  const compartment = (id: string) => core.compartments().find((c) => c.id === id)!;
  // The person at the door puts a parcel in or takes it out (the IR sensor sees it), then shuts it.
  const shut = async (id: string, itemInside: boolean) => {
    await until(() => compartment(id).doorOpen === true, `door ${id} to open`);
    await sleep(400);
    const c = compartment(id);
    sim.setItem(c.board, c.lock, itemInside);
    sim.closeDoor(c.board, c.lock);
    await until(() => compartment(id).doorOpen === false, `door ${id} to close`);
    await core.settled();
  };

  const parcels = [
    { id: 'demo-1', heightMm: 60 },
    { id: 'demo-2', heightMm: 150 },
    { id: 'demo-3', heightMm: 300 },
  ];
  const codes = parcels.map((p) =>
    cloud.announce(core, kiosk.identity.codeDigestKey(), codeLength, p),
  );
  parcels.forEach((p, i) =>
    log.info(
      { parcel: p.id, code: codes[i] },
      'cloud: parcel announced, code sent to the customer',
    ),
  );

  const courier = core.credentials.login(cloud.badge('courier', 'demo-courier'));
  if (!courier.ok) throw new Error(`courier badge refused: ${courier.error}`);
  log.info({ courier: courier.value.subject }, 'courier: logged in with badge');
  for (const p of parcels) {
    const started = await core.deposits.start(courier.value, `TRK${p.id.toUpperCase()}`);
    if (!started.ok) throw new Error(`deposit refused: ${JSON.stringify(started.error)}`);
    log.info(
      { parcel: p.id, compartment: started.value.compartmentId, size: started.value.size },
      'courier: door open, parcel in, closing',
    );
    await shut(started.value.compartmentId, true);
  }

  const wrong = await core.pickups.withCode('0'.repeat(codeLength), 'code');
  log.info({ result: wrong }, 'customer: typed a wrong code');
  const opened = await core.pickups.withCode(codes[0]!, 'code');
  if (!opened.ok) throw new Error(`pickup refused: ${JSON.stringify(opened.error)}`);
  log.info(
    { compartment: opened.value.compartmentId },
    'customer: right code, door open, taking the parcel',
  );
  await shut(opened.value.compartmentId, false);
  log.info(
    { waiting: parcels.slice(1).map((p, i) => ({ parcel: p.id, code: codes[i + 1] })) },
    'walkthrough done; these parcels wait for pickup',
  );
}
