import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedEvent } from '../../src/shared/events';
import { signEvent } from '../../src/shared/node/eventChain';
import { testKey } from '../../src/shared/node/testChain';
import type { AuditResponse } from '../../src/shared/rest/schemas';
import { openDatabase } from '../store/database';
import { enrolledUnit, startTestCloud, type TestCloud } from '../testSupport/cloudFixture';

const bodyOf = ({ hash: _h, sig: _s, ...body }: SignedEvent) => body;

let cloud: TestCloud;
let seed = 90;
beforeAll(async () => {
  cloud = await startTestCloud();
});
afterAll(() => cloud.close());

const audit = async (id: string) =>
  (await cloud.request<AuditResponse>('GET', `/api/v1/lockers/${id}/audit`)).body;

/** The 'event batch ingested' records of a locker, from `mark` on. */
const ingested = (lockerId: string, mark = 0) =>
  cloud.logs.records
    .slice(mark)
    .filter((r) => r.msg === 'event batch ingested' && r['lockerId'] === lockerId);

describe('event ingest with signatures checked on worker threads', () => {
  it.each([
    {
      tamper: 'a payload changed and re-signed with another key',
      forge: (e: SignedEvent) =>
        signEvent({ ...bodyOf(e), payload: { ...e.payload, compartmentId: 'C1' } }, testKey(99)),
      reason: 'bad_signature',
    },
    {
      tamper: 'a payload changed, hash and signature kept',
      forge: (e: SignedEvent) => ({ ...e, payload: { ...e.payload, compartmentId: 'C1' } }),
      reason: 'hash_mismatch',
    },
  ])(
    'stops at the first broken link of a large batch, at the same seq: $tamper',
    async ({ forge, reason }) => {
      const lockerId = `OFF-${reason}`;
      const { chain, link } = await enrolledUnit(cloud, lockerId, seed++);
      const events = chain.filler(120);
      events[76] = forge(events[76]!);
      const mark = cloud.logs.records.length;
      await link.publishEvents(events);
      expect(await link.acks.next()).toBe(76);
      const a = await audit(lockerId);
      expect(a).toMatchObject({ ackedSeq: 76, flagged: true });
      expect(a.brokenLinks).toEqual([expect.objectContaining({ seq: 77, reason })]);
      // The 76 before it were checked off the main thread, not here.
      const [record] = ingested(lockerId, mark);
      expect(record).toMatchObject({ stored: 76, provedAhead: 76 });
      await link.close();
    },
  );

  it('stores each locker’s batches in the order they arrived while their checks run elsewhere', async () => {
    const units = await Promise.all(
      ['OFF-ORDER-1', 'OFF-ORDER-2'].map((id) => enrolledUnit(cloud, id, seed++)),
    );
    const mark = cloud.logs.records.length;
    await Promise.all(
      units.map(async ({ chain, link }) => {
        const events = chain.filler(400);
        // Eight batches, published back to back without waiting for an ack.
        await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            link.publishEvents(events.slice(i * 50, i * 50 + 50)),
          ),
        );
        await link.acks.until((seq) => seq === 400);
      }),
    );
    const db = openDatabase(join(cloud.dataDir, 'cloud.sqlite'));
    try {
      for (const { chain, link } of units) {
        expect(await audit(chain.lockerId)).toMatchObject({
          lastSeq: 400,
          ackedSeq: 400,
          gaps: [],
          brokenLinks: [],
          flagged: false,
        });
        // Inserted in seq order, each batch after the one before it.
        const seqs = (
          db
            .prepare('SELECT seq FROM events WHERE locker_id = ? ORDER BY rowid')
            .all(chain.lockerId) as { seq: number }[]
        ).map((r) => r.seq);
        expect(seqs).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
        // Every batch was stored whole, in its turn: no batch waited behind a gap.
        const records = ingested(chain.lockerId, mark);
        expect(records.map((r) => [r['stored'], r['held']])).toEqual(Array(8).fill([50, 0]));
        expect(records.every((r) => r['provedAhead'] === 50)).toBe(true);
        expect(link.acks.all.at(-1)).toBe(400);
        await link.close();
      }
    } finally {
      db.close();
    }
  });
});
