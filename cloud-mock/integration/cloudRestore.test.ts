/**
 * A cloud put back from an older backup of its SQLite file: its signed ack of an older head
 * rewinds the unit, which resends from there, so the cloud ends with every seq exactly once and
 * a verified chain. When the unit has already pruned what the cloud lost, it says so with a
 * `cloud.rewind_unservable` event that reaches the cloud.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deposit, depositAndPickUp } from '../../src/main/cloud/testSupport/kioskActions';
import { chainHead, checkpoint, listEvents } from '../../src/main/store/events';
import { until } from './stand';
import { kioskOnCloud } from './testSupport/kioskOnCloud';
import { RestartableCloud } from './testSupport/linkedCloud';

const DAY_MS = 86_400_000;
const backups = mkdtempSync(join(tmpdir(), 'cloud-backup-'));
let cloud: RestartableCloud;
beforeAll(async () => {
  cloud = await RestartableCloud.start();
});
afterAll(async () => {
  await cloud.close();
  rmSync(backups, { recursive: true, force: true });
});

const seqs = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('a cloud restored from an older backup', () => {
  it('resynchronises the locker stream with nothing lost, though the unit has nothing new to send', async () => {
    const k = await kioskOnCloud(cloud, 'restore-quiet');
    const backup = join(backups, 'quiet.sqlite');
    try {
      await depositAndPickUp(k, 'p1', '111111');
      await until(() => k.head() > 0 && k.acked() === k.head(), 'first events acked');
      const backedUp = k.head();
      await cloud.backup(backup);
      await depositAndPickUp(k, 'p2', '222222');
      await until(() => k.acked() === k.head(), 'later events acked');
      const head = k.head();
      expect(head).toBeGreaterThan(backedUp);

      await cloud.down();
      cloud.restore(backup);
      expect(cloud.storedSeqs(k.lockerId)).toEqual(seqs(1, backedUp));
      await cloud.up();

      await until(
        async () => (await cloud.audit(k.lockerId)).ackedSeq === head,
        'the restored cloud has the whole chain again',
      );
      expect(cloud.storedSeqs(k.lockerId)).toEqual(seqs(1, head));
      expect(await cloud.audit(k.lockerId)).toMatchObject({
        lastSeq: head,
        ackedSeq: head,
        lastHash: chainHead(k.db)!.hash,
        gaps: [],
        brokenLinks: [],
        flagged: false,
      });
      await until(() => k.acked() === head, 'the unit took the final ack');
      expect(listEvents(k.db).map((e) => e.seq)).toEqual(seqs(1, head));
    } finally {
      await k.close();
    }
  }, 60_000);

  it('resynchronises what the unit logged while the cloud was down, too', async () => {
    const k = await kioskOnCloud(cloud, 'restore-busy');
    const backup = join(backups, 'busy.sqlite');
    try {
      await depositAndPickUp(k, 'p1', '111111');
      await until(() => k.head() > 0 && k.acked() === k.head(), 'first events acked');
      await cloud.backup(backup);
      await depositAndPickUp(k, 'p2', '222222');
      await until(() => k.acked() === k.head(), 'later events acked');

      await cloud.down();
      await until(() => k.link.status().connection !== 'online', 'the unit sees the cloud gone');
      await deposit(k, 'p3', '333333');
      cloud.restore(backup);
      await cloud.up();

      const head = k.head();
      await until(
        async () => (await cloud.audit(k.lockerId)).ackedSeq === head,
        'the restored cloud has the whole chain, the offline events too',
      );
      expect(cloud.storedSeqs(k.lockerId)).toEqual(seqs(1, head));
      expect(await cloud.audit(k.lockerId)).toMatchObject({
        lastSeq: head,
        lastHash: chainHead(k.db)!.hash,
        gaps: [],
        brokenLinks: [],
        flagged: false,
      });
    } finally {
      await k.close();
    }
  }, 60_000);

  it('raises cloud.rewind_unservable when the unit already pruned what the cloud lost, and sends what it holds', async () => {
    const k = await kioskOnCloud(cloud, 'restore-pruned');
    const backup = join(backups, 'pruned.sqlite');
    try {
      await depositAndPickUp(k, 'p1', '111111');
      await until(() => k.head() > 0 && k.acked() === k.head(), 'first events acked');
      const backedUp = k.head();
      await cloud.backup(backup);
      await depositAndPickUp(k, 'p2', '222222');
      await until(() => k.acked() === k.head(), 'later events acked');
      const pruned = k.head();

      // The retention period passes: what the cloud confirmed that long ago goes.
      k.clock.advance(31 * DAY_MS);
      await k.core.tick();
      expect(checkpoint(k.db)?.seq).toBe(pruned);
      await depositAndPickUp(k, 'p3', '333333'); // held: acked only just now
      await until(() => k.acked() === k.head(), 'newest events acked');
      await k.core.tick();
      expect(listEvents(k.db)[0]!.seq).toBe(pruned + 1);

      await cloud.down();
      cloud.restore(backup);
      await cloud.up();

      await until(
        () => listEvents(k.db).some((e) => e.type === 'cloud.rewind_unservable'),
        'the unit raised the alarm',
      );
      const alarm = listEvents(k.db).find((e) => e.type === 'cloud.rewind_unservable')!;
      expect((JSON.parse(alarm.body) as { payload: unknown }).payload).toEqual({
        askedFromSeq: backedUp + 1,
        oldestHeldSeq: pruned + 1,
        checkpointSeq: pruned,
        checkpointHash: checkpoint(k.db)!.hash,
      });
      expect(k.acked()).toBe(backedUp);

      // The cloud holds what the unit still has behind the gap, and flags the locker.
      const head = k.head();
      await until(
        async () =>
          (await cloud.audit(k.lockerId)).brokenLinks.some((b) => b.reason === 'rewind_unservable'),
        'the alarm reached the cloud',
      );
      const audit = await cloud.audit(k.lockerId);
      expect(audit).toMatchObject({
        ackedSeq: backedUp,
        lastSeq: head,
        gaps: [{ fromSeq: backedUp + 1, toSeq: pruned }],
        flagged: true,
      });
      expect(audit.brokenLinks.find((b) => b.reason === 'rewind_unservable')).toMatchObject({
        seq: alarm.seq,
      });
      expect(cloud.pendingTypes(k.lockerId).map((e) => e.seq)).toEqual(seqs(pruned + 1, head));
    } finally {
      await k.close();
    }
  }, 60_000);
});
