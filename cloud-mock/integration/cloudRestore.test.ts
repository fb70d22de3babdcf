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
import {
  appendBacklog,
  deposit,
  depositAndPickUp,
} from '../../src/main/cloud/testSupport/kioskActions';
import { chainHead, checkpoint, listEvents } from '../../src/main/store/events';
import { until } from './stand';
import { kioskOnCloud, type KioskOnCloud } from './testSupport/kioskOnCloud';
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

/**
 * Waits until the cloud and the unit agree the whole chain is stored (the unit may still log
 * answers to commands the restored cloud sends again), then proves the cloud holds every seq
 * exactly once, in order, ending at the unit's own head hash, with nothing held or broken.
 */
async function expectResynchronised(k: KioskOnCloud, atLeast: number): Promise<void> {
  await until(
    async () => {
      const audit = await cloud.audit(k.lockerId);
      return audit.ackedSeq === k.head() && k.acked() === k.head() && k.head() >= atLeast;
    },
    'the restored cloud has the whole chain again',
    20_000,
  );
  const head = k.head();
  expect(cloud.storedSeqs(k.lockerId)).toEqual(seqs(1, head));
  expect(await cloud.audit(k.lockerId)).toMatchObject({
    lastSeq: head,
    ackedSeq: head,
    lastHash: chainHead(k.db)!.hash,
    gaps: [],
    brokenLinks: [],
    flagged: false,
  });
  expect(listEvents(k.db).map((e) => e.seq)).toEqual(seqs(1, head));
}

describe('a cloud restored from an older backup', () => {
  it('resynchronises the locker stream with nothing lost, though the unit has nothing new to send', async () => {
    const k = await kioskOnCloud(cloud, 'restore-quiet');
    const backup = join(backups, 'quiet.sqlite');
    try {
      // Events the cloud answers no command for, so after the restore the unit has nothing new.
      appendBacklog(k, 40);
      await until(() => k.acked() === k.head(), 'first events acked', 20_000);
      const backedUp = k.head();
      await cloud.backup(backup);
      appendBacklog(k, 40);
      await until(() => k.acked() === k.head(), 'later events acked', 20_000);
      const head = k.head();

      await cloud.down();
      cloud.restore(backup);
      expect(cloud.storedSeqs(k.lockerId)).toEqual(seqs(1, backedUp));
      await cloud.up();

      // Only the cloud's ack on the unit's presence can start the resend.
      await expectResynchronised(k, head);
      expect(k.head()).toBe(head);
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
      await until(() => k.acked() === k.head(), 'later events acked', 20_000);

      await cloud.down();
      await until(() => k.link.status().connection !== 'online', 'the unit sees the cloud gone');
      await deposit(k, 'p3', '333333');
      cloud.restore(backup);
      const restored = cloud.storedSeqs(k.lockerId).length;
      expect(cloud.storedSeqs(k.lockerId)).toEqual(seqs(1, restored));
      expect(restored).toBeLessThan(k.acked());
      await cloud.up();

      await expectResynchronised(k, k.head());
    } finally {
      await k.close();
    }
  }, 60_000);

  it('raises cloud.rewind_unservable when the unit already pruned what the cloud lost, and sends what it holds', async () => {
    const k = await kioskOnCloud(cloud, 'restore-pruned');
    const backup = join(backups, 'pruned.sqlite');
    try {
      appendBacklog(k, 30);
      await until(() => k.acked() === k.head(), 'first events acked', 20_000);
      await cloud.backup(backup);
      appendBacklog(k, 30);
      await until(() => k.acked() === k.head(), 'later events acked', 20_000);

      // The retention period passes: what the cloud confirmed that long ago goes.
      k.clock.advance(31 * DAY_MS);
      await k.core.tick();
      const pruned = checkpoint(k.db)!.seq;
      expect(pruned).toBe(k.acked());
      appendBacklog(k, 10); // kept: the cloud confirms it only now
      await until(() => k.acked() === k.head(), 'newest events acked');
      expect(listEvents(k.db)[0]!.seq).toBe(pruned + 1);

      await cloud.down();
      cloud.restore(backup);
      const restored = cloud.storedSeqs(k.lockerId).length;
      expect(restored).toBeLessThan(pruned);
      await cloud.up();

      await until(
        () => listEvents(k.db).some((e) => e.type === 'cloud.rewind_unservable'),
        'the unit raised the alarm',
        20_000,
      );
      const alarm = listEvents(k.db).find((e) => e.type === 'cloud.rewind_unservable')!;
      expect((JSON.parse(alarm.body) as { payload: unknown }).payload).toEqual({
        askedFromSeq: restored + 1,
        oldestHeldSeq: pruned + 1,
        checkpointSeq: pruned,
        checkpointHash: checkpoint(k.db)!.hash,
      });
      expect(k.acked()).toBe(restored);

      // The cloud holds all the unit still has behind the gap, and flags the locker.
      const held = () => cloud.pendingTypes(k.lockerId).map((e) => e.seq);
      await until(
        async () =>
          held().includes(alarm.seq) &&
          (await cloud.audit(k.lockerId)).brokenLinks.some((b) => b.reason === 'rewind_unservable'),
        'the alarm reached the cloud',
        20_000,
      );
      expect(held().filter((seq) => seq <= alarm.seq)).toEqual(seqs(pruned + 1, alarm.seq));
      const audit = await cloud.audit(k.lockerId);
      expect(audit).toMatchObject({
        ackedSeq: restored,
        gaps: [{ fromSeq: restored + 1, toSeq: pruned }],
        flagged: true,
      });
      expect(audit.brokenLinks.find((b) => b.reason === 'rewind_unservable')).toMatchObject({
        seq: alarm.seq,
        detail: expect.stringContaining(`lacks from ${restored + 1}`) as unknown,
      });
    } finally {
      await k.close();
    }
  }, 60_000);
});
