/** Test support: locker activity through KioskCore, as couriers and customers cause it. */
import type { Actor } from '../../services/context';
import { digestOf, type Fixture } from '../../services/testSupport/kioskFixture';

const courier: Actor = { role: 'courier', subject: 'c-1' };

const lockOf = (f: Fixture, id: string) => {
  const c = f.config.compartments.find((c) => c.id === id)!;
  return { board: c.board, lock: c.lock };
};

/** Announces, deposits (door opens and closes) and picks up one parcel; throws on any refusal. */
export async function depositAndPickUp(f: Fixture, parcelId: string, code: string): Promise<void> {
  await deposit(f, parcelId, code);
  const opened = await f.core.pickups.withCode(code, 'code');
  if (!opened.ok) throw new Error(`pickup refused: ${JSON.stringify(opened.error)}`);
  f.board.closeDoor(lockOf(f, opened.value.compartmentId));
  await f.core.settled();
}

export async function deposit(f: Fixture, parcelId: string, code: string): Promise<string> {
  const announced = f.core.announcements.expectParcel({
    parcelId,
    trackingBarcode: `TRK${parcelId}`,
    dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 },
    weightG: 1000,
    codeDigest: digestOf(code),
  });
  if (!announced.ok) throw new Error(`announcement refused: ${JSON.stringify(announced.error)}`);
  const started = await f.core.deposits.start(courier, `TRK${parcelId}`);
  if (!started.ok) throw new Error(`deposit refused: ${JSON.stringify(started.error)}`);
  await f.core.settled();
  f.board.closeDoor(lockOf(f, started.value.compartmentId));
  await f.core.settled();
  return started.value.compartmentId;
}

/** Appends `count` audit events of roughly `bytes` each (a backlog without door traffic). */
export function appendBacklog(f: Fixture, count: number, bytes = 200): void {
  const reason = 'x'.repeat(bytes);
  f.db.transaction(() => {
    for (let i = 0; i < count; i++)
      f.core.audit.append('hardware.fault', { reason: `${i} ${reason}` });
  })();
}
