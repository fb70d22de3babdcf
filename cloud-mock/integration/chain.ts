/** Test support: the check that a kiosk's whole event chain reached the cloud once, in order. */
import { expect } from 'vitest';
import { until, type CloudStand, type StandKiosk } from './stand';

/**
 * Waits until the cloud has acked the kiosk's head and the kiosk has recorded it, then proves
 * the cloud holds seq 1..head exactly once each, stored in seq order, with the kiosk's own
 * hashes, and that its audit shows a verified chain (no gaps, no broken links, not flagged).
 */
export async function expectChainDelivered(stand: CloudStand, k: StandKiosk): Promise<void> {
  await until(
    async () => k.acked() === k.head() && (await stand.audit(k.lockerId)).ackedSeq === k.head(),
    `cloud and kiosk agree on ack = head (${k.head()})`,
  );
  const head = k.head();
  const audit = await stand.audit(k.lockerId);
  const kioskEvents = k.events();
  expect(audit).toMatchObject({
    lastSeq: head,
    ackedSeq: head,
    lastHash: kioskEvents.at(-1)!.hash,
    gaps: [],
    brokenLinks: [],
    flagged: false,
  });
  expect(k.kiosk.cloud!.status().backlog).toBe(0);
  const stored = stand.storedEvents(k.lockerId);
  expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
  expect(stored.map((e) => e.hash)).toEqual(kioskEvents.map((e) => e.hash));
  expect(stored.map((e) => e.type)).toEqual(kioskEvents.map((e) => e.type));
  // Inserted in seq order: the cloud never stored a later event before an earlier one.
  const rowids = stored.map((e) => e.rowid);
  expect(rowids).toEqual([...rowids].sort((a, b) => a - b));
}
