/**
 * The demo `npm start` plays on a fresh data dir, through the real paths: the cloud allocates
 * three parcels (REST), the kiosk hears of them (MQTT), a courier deposits them (KioskCore and
 * the simulated lock bus), the cloud sends the customers their codes (inbox), and one customer
 * picks up. What is left waits for you at the screen (its codes come with the start summary).
 */
import type { Logger } from 'pino';
import type { LockBusSimulator } from '../../../hardware/sim/lockBusSimulator';
import type { Kiosk } from '../kiosk';
import { getParcel } from '../store/parcels';
import type { CloudClient } from './cloudClient';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const PARCELS = [
  { id: 'demo-1', heightMm: 60, customer: { name: 'Ada Lovelace', email: 'ada@example.org' } },
  { id: 'demo-2', heightMm: 150, customer: { name: 'Grace Hopper', phone: '+48 600 100 200' } },
  { id: 'demo-3', heightMm: 300, customer: { name: 'Alan Turing', email: 'alan@example.org' } },
];

export async function runWalkthrough(
  kiosk: Kiosk,
  cloud: CloudClient,
  sim: LockBusSimulator,
  lockerId: string,
  log: Logger,
): Promise<void> {
  const { core } = kiosk;
  const compartment = (id: string) => core.compartments().find((c) => c.id === id)!;
  // The person at the door puts a parcel in or takes it out (the IR sensor sees it), then shuts it.
  const shut = async (id: string, itemInside: boolean) => {
    await until(() => compartment(id).doorOpen === true, `door ${id} to open`);
    await sleep(500);
    const c = compartment(id);
    sim.setItem(c.board, c.lock, itemInside);
    sim.closeDoor(c.board, c.lock);
    await until(() => compartment(id).doorOpen === false, `door ${id} to close`);
    await core.settled();
  };

  for (const p of PARCELS) {
    const allocation = await cloud.allocate({
      lockerId,
      parcelId: p.id,
      trackingBarcode: `TRK${p.id.toUpperCase()}`,
      dimensions: { lengthMm: 350, widthMm: 250, heightMm: p.heightMm },
      weightG: 1500,
      customer: p.customer,
    });
    log.info({ parcel: p.id, size: allocation.size }, 'cloud: parcel allocated to this locker');
  }
  await until(
    () => PARCELS.every((p) => getParcel(kiosk.db, p.id)?.state === 'expected'),
    'the kiosk to hear of the parcels',
  );
  log.info('kiosk: the cloud announced three parcels');

  const badge = await cloud.badge({
    role: 'courier',
    subject: 'demo-courier',
    lockers: [lockerId],
    validDays: 30,
  });
  const courier = core.credentials.login(badge.token);
  if (!courier.ok) throw new Error(`courier badge refused: ${courier.error}`);
  for (const p of PARCELS) {
    const started = await core.deposits.start(courier.value, `TRK${p.id.toUpperCase()}`);
    if (!started.ok) throw new Error(`deposit refused: ${JSON.stringify(started.error)}`);
    log.info(
      { parcel: p.id, compartment: started.value.compartmentId },
      'courier: door open, parcel in, closing',
    );
    await shut(started.value.compartmentId, true);
  }

  const codes = new Map<string, string>();
  await until(async () => {
    for (const n of (await cloud.notifications({ lockerId })).notifications) {
      if (n.kind === 'pickup_code' && n.parcelId && n.code) codes.set(n.parcelId, n.code);
    }
    return PARCELS.every((p) => codes.has(p.id));
  }, 'the cloud to send the pickup codes');

  const first = PARCELS[0]!;
  const opened = await core.pickups.withCode(codes.get(first.id)!, 'code');
  if (!opened.ok) throw new Error(`pickup refused: ${JSON.stringify(opened.error)}`);
  log.info(
    { parcel: first.id, compartment: opened.value.compartmentId },
    'customer: code accepted, door open',
  );
  await shut(opened.value.compartmentId, false);
  // The codes still waiting are printed with the start summary, this start and every next one.
}
