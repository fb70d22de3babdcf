import { describe, expect, it } from 'vitest';
import { verifyChain } from '../../shared/node/eventChain';
import {
  checkpoint,
  listEvents,
  pruneDelivered,
  setAckedSeq,
  type StoredEvent,
} from '../store/events';
import { recordAckReceipt } from '../store/ackReceipts';
import type { Db } from '../store/database';
import { deviceKeys, digestOf, startFixture } from './testSupport/kioskFixture';

const signed = (e: StoredEvent) => ({
  ...(JSON.parse(e.body) as object),
  hash: e.hash,
  sig: e.sig,
});
const verifyStored = (db: Db) => {
  const start = checkpoint(db);
  return verifyChain(
    listEvents(db).map(signed),
    deviceKeys.publicKey,
    start && { seq: start.seq + 1, prevHash: start.hash },
  );
};

async function lockerWithHistory() {
  const f = await startFixture();
  for (let i = 0; i < 10; i++) {
    f.core.announcements.expectParcel({
      parcelId: `p${i}`,
      trackingBarcode: `TRK${i}000`,
      dimensions: { lengthMm: 100, widthMm: 100, heightMm: 50 },
      weightG: 100,
      codeDigest: digestOf(String(100000 + i)),
    });
  }
  return f;
}

describe('stored audit log', () => {
  it('verifies as stored', async () => {
    const f = await lockerWithHistory();
    expect(verifyStored(f.db)).toMatchObject({ ok: true, lastSeq: listEvents(f.db).length });
  });

  it('reports a change to any stored event at that event’s seq', async () => {
    const f = await lockerWithHistory();
    const events = listEvents(f.db);
    for (const target of events) {
      const body = JSON.parse(target.body) as { payload: Record<string, unknown> };
      const tampered = JSON.stringify({ ...body, payload: { ...body.payload, tampered: true } });
      f.db.prepare('UPDATE events SET body = ? WHERE seq = ?').run(tampered, target.seq);
      expect(verifyStored(f.db)).toMatchObject({
        ok: false,
        seq: target.seq,
        reason: 'hash_mismatch',
      });
      f.db.prepare('UPDATE events SET body = ? WHERE seq = ?').run(target.body, target.seq);
    }
    const victim = events[4]!;
    f.db.prepare('DELETE FROM events WHERE seq = ?').run(victim.seq);
    expect(verifyStored(f.db)).toMatchObject({ ok: false, seq: victim.seq + 1, reason: 'seq_gap' });
  });

  it('prunes only delivered events and keeps the rest verifiable from a checkpoint', async () => {
    const f = await lockerWithHistory();
    const total = listEvents(f.db).length;
    const later = f.clock.now() + 1000;
    expect(pruneDelivered(f.db, later)).toBe(0); // nothing acked yet
    setAckedSeq(f.db, 12);
    recordAckReceipt(f.db, 12, f.clock.now());
    expect(pruneDelivered(f.db, f.clock.now() - 1)).toBe(0); // confirmed after the cut-off
    expect(pruneDelivered(f.db, later)).toBe(12);
    expect(checkpoint(f.db)?.seq).toBe(12);
    expect(listEvents(f.db)[0]?.seq).toBe(13);
    expect(verifyStored(f.db)).toMatchObject({ ok: true, lastSeq: total });
    // New events keep extending the chain past the checkpoint.
    f.core.announcements.cancelParcel('p1');
    expect(verifyStored(f.db)).toMatchObject({ ok: true, lastSeq: total + 1 });
  });
});
