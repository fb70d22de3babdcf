import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedCommand } from '../../src/shared/protocol/commands';
import { enrolledUnit, startTestCloud, T0, type TestCloud } from '../testSupport/cloudFixture';
import type { DeviceChain, DeviceLink } from '../testSupport/device';

const DAY = 86_400_000;
let cloud: TestCloud;

beforeAll(async () => {
  cloud = await startTestCloud();
  // 2500 revoked badges valid everywhere, one revoked and expired, one revoked but only valid at
  // another locker, one still good: rows as the badges table holds them.
  const db = new Database(join(cloud.dataDir, 'cloud.sqlite'));
  const insert = db.prepare(
    `INSERT INTO badges (id, role, subject, lockers, issued_at, expires_at, revoked_at)
     VALUES (?, 'staff', 's', ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < 2500; i++)
      insert.run(`staff-${String(i).padStart(4, '0')}`, null, T0, T0 + 30 * DAY, T0);
    insert.run('staff-old', null, T0 - 60 * DAY, T0 - DAY, T0 - 2 * DAY);
    insert.run('courier-elsewhere', JSON.stringify(['OTHER-1']), T0, T0 + 30 * DAY, T0);
    insert.run('staff-good', null, T0, T0 + 30 * DAY, null);
  })();
  db.close();
});
afterAll(() => cloud.close());

const commandRows = (lockerId: string) => {
  const db = new Database(join(cloud.dataDir, 'cloud.sqlite'), { readonly: true });
  try {
    return db
      .prepare(
        `SELECT id, type, status, error FROM commands WHERE locker_id = ? AND type = 'credentials.revoke'
         ORDER BY issued_at, rowid`,
      )
      .all(lockerId) as { id: string; status: string; error: string | null }[];
  } finally {
    db.close();
  }
};

/** Says online and waits until the cloud has handled it (its nth presence for this locker). */
async function online(link: DeviceLink, n: number): Promise<Record<string, unknown>> {
  await link.publishRaw(link.topics.presence, JSON.stringify({ v: 1, status: 'online' }), true);
  let seen = 0;
  const recorded = await cloud.logs.waitFor(
    (r) => r.msg === 'presence recorded' && r['lockerId'] === link.lockerId && ++seen === n,
  );
  await link.acks.next(); // the cloud acks where its stored chain ends on every "online"
  return recorded;
}

async function answer(chain: DeviceChain, link: DeviceLink, c: SignedCommand, ok = true) {
  await link.publishEvents([
    chain.next('command.result', {
      commandId: c.id,
      type: c.type,
      ok,
      ...(ok ? {} : { error: 'internal_error' }),
    }),
  ]);
  await link.acks.next();
}

const badgeIdsOf = (c: SignedCommand) => c.payload['badgeIds'] as string[];

describe('the revocation list', () => {
  it('reaches a locker that comes online after the revocations, in commands of 1000, once', async () => {
    const { chain, link } = await enrolledUnit(cloud, 'REVOKE-1', 61);
    await online(link, 1);
    const list = [
      await link.commands.next(),
      await link.commands.next(),
      await link.commands.next(),
    ];
    expect(list.map((c) => [c.type, badgeIdsOf(c).length, c.notAfter])).toEqual([
      ['credentials.revoke', 1000, null],
      ['credentials.revoke', 1000, null],
      ['credentials.revoke', 500, null],
    ]);
    const ids = list.flatMap(badgeIdsOf);
    expect(new Set(ids).size).toBe(2500);
    expect(ids).not.toContain('staff-old'); // expired: refused there anyway
    expect(ids).not.toContain('courier-elsewhere'); // never valid at this locker
    expect(ids).not.toContain('staff-good');

    // Not answered yet: the next online resends those three unchanged, and issues none.
    expect(await online(link, 2)).toMatchObject({ resent: 3 });
    const again = [await link.commands.next(), await link.commands.next()];
    expect(again).toEqual([list[0], list[1]]);
    await link.commands.next();
    expect(commandRows('REVOKE-1')).toHaveLength(3);

    for (const c of list) await answer(chain, link, c);
    expect(await online(link, 3)).toMatchObject({ resent: 0 });
    expect(commandRows('REVOKE-1')).toHaveLength(3);

    // A revocation now goes to the locker at once; it is on the list the locker holds.
    const revoked = await cloud.request<{ commandIds: string[] }>(
      'POST',
      '/api/v1/badges/staff-good/revoke',
    );
    expect(revoked.status).toBe(200);
    const single = await link.commands.next();
    expect(single).toMatchObject({
      id: revoked.body.commandIds[0],
      payload: { badgeIds: ['staff-good'] },
    });
    await answer(chain, link, single);
    await online(link, 4);
    expect(commandRows('REVOKE-1')).toHaveLength(4);
    await link.close();
  });

  it('is sent again in full when a command carrying part of it failed', async () => {
    const { chain, link } = await enrolledUnit(cloud, 'REVOKE-2', 62);
    await online(link, 1);
    const list = [
      await link.commands.next(),
      await link.commands.next(),
      await link.commands.next(),
    ];
    for (const c of list) await answer(chain, link, c, c !== list[1]);
    expect(commandRows('REVOKE-2').map((r) => r.status)).toEqual(['done', 'failed', 'done']);
    await online(link, 2);
    const resent = [
      await link.commands.next(),
      await link.commands.next(),
      await link.commands.next(),
    ];
    expect(resent.flatMap(badgeIdsOf)).toEqual(list.flatMap(badgeIdsOf));
    expect(commandRows('REVOKE-2')).toHaveLength(6);
    await link.close();
  });

  it('goes out again in full to a locker enrolled anew', async () => {
    const { chain, link } = await enrolledUnit(cloud, 'REVOKE-4', 64);
    await online(link, 1);
    const list = [
      await link.commands.next(),
      await link.commands.next(),
      await link.commands.next(),
    ];
    for (const c of list) await answer(chain, link, c);
    // What a new enrolment writes: a new enrolment time (and, from a new unit, a new key).
    const db = new Database(join(cloud.dataDir, 'cloud.sqlite'));
    db.prepare("UPDATE lockers SET enrolled_at = enrolled_at + 1 WHERE id = 'REVOKE-4'").run();
    db.close();
    await online(link, 2);
    const again = [
      await link.commands.next(),
      await link.commands.next(),
      await link.commands.next(),
    ];
    expect(again.flatMap(badgeIdsOf)).toEqual(list.flatMap(badgeIdsOf));
    expect(commandRows('REVOKE-4')).toHaveLength(6);
    await link.close();
  });

  it('leaves out badges that expired meanwhile, and sends nothing while nothing is missing', async () => {
    const { link } = await enrolledUnit(cloud, 'REVOKE-3', 63);
    cloud.clock.advance(31 * DAY); // every badge above has expired
    await online(link, 1);
    await online(link, 2);
    expect(commandRows('REVOKE-3')).toEqual([]);
    await link.close();
  });
});
