import Database from 'better-sqlite3';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/shared/node/canonicalJson';
import { signDetached, verifyDetached } from '../../src/shared/node/ed25519';
import type { SignedCommand } from '../../src/shared/protocol/commands';
import {
  allocationRequest,
  enrolledUnit,
  startTestCloud,
  type TestCloud,
} from '../testSupport/cloudFixture';
import type { DeviceLink } from '../testSupport/device';

const MIN = 60_000;
const DAY = 86_400_000;
const cloudKey = generateKeyPairSync('ed25519');
let cloud: TestCloud;
let seed = 80;

beforeAll(async () => {
  cloud = await startTestCloud({ signingKey: cloudKey.privateKey });
});
afterAll(() => cloud.close());

const cloudDb = (readonly = true) =>
  new Database(join(cloud.dataDir, 'cloud.sqlite'), { readonly });
const stored = (id: string) => {
  const db = cloudDb();
  try {
    return db.prepare('SELECT status, error, signed FROM commands WHERE id = ?').get(id) as {
      status: string;
      error: string | null;
      signed: string;
    };
  } finally {
    db.close();
  }
};

async function online(link: DeviceLink): Promise<Record<string, unknown>> {
  const before = cloud.logs.records.length;
  await link.publishRaw(link.topics.presence, JSON.stringify({ v: 1, status: 'online' }), true);
  const recorded = await cloud.logs.waitFor(
    (r) =>
      cloud.logs.records.indexOf(r) >= before &&
      r.msg === 'presence recorded' &&
      r['lockerId'] === link.lockerId,
  );
  await link.acks.next(); // the cloud acks where its stored chain ends on every "online"
  return recorded;
}

const openRemote = async (lockerId: string) => {
  const r = await cloud.request<{ commandId: string }>('POST', `/api/v1/lockers/${lockerId}/open`, {
    compartmentId: 'C1',
    reason: 'customer on the phone',
  });
  expect(r.status).toBe(202);
  return r.body.commandId;
};

const verifies = (c: SignedCommand) => {
  const { sig, ...body } = c;
  return verifyDetached(canonicalJson(body), sig, cloudKey.publicKey);
};

describe('command lifetimes at the cloud', () => {
  it('signs each command with its type’s lifetime and resends it exactly as signed', async () => {
    const { link } = await enrolledUnit(cloud, 'LIFE-1', seed++);
    const openId = await openRemote('LIFE-1');
    const open = await link.commands.next();
    await cloud.request('POST', '/api/v1/allocations', allocationRequest('LIFE-1', 'P-1'));
    const expect7d = await link.commands.next();
    expect(open).toMatchObject({ id: openId, type: 'door.open_remote' });
    expect(Date.parse(open.notAfter!) - Date.parse(open.issuedAt)).toBe(5 * MIN);
    expect(expect7d.type).toBe('parcel.expect');
    expect(Date.parse(expect7d.notAfter!) - Date.parse(expect7d.issuedAt)).toBe(7 * DAY);
    expect([open, expect7d].every(verifies)).toBe(true);

    cloud.clock.advance(MIN);
    expect(await online(link)).toMatchObject({ resent: 2 });
    // Same id, same issue time, same lifetime, same signature: a resend is never fresher.
    expect([await link.commands.next(), await link.commands.next()]).toEqual([open, expect7d]);
    await link.close();
  });

  it('fails a pending command whose lifetime ended, on the tick and before a resend, and never sends it again', async () => {
    const { link } = await enrolledUnit(cloud, 'LIFE-2', seed++);
    const ticked = await openRemote('LIFE-2');
    cloud.clock.advance(5 * MIN + 1);
    // (The first test's remote open expires on this tick too: one cloud for the file.)
    expect((await cloud.tick()).commandsExpired).toBeGreaterThanOrEqual(1);
    expect(stored(ticked)).toMatchObject({ status: 'failed', error: 'expired' });

    const untouched = await openRemote('LIFE-2');
    await cloud.request('POST', '/api/v1/allocations', allocationRequest('LIFE-2', 'P-2'));
    cloud.clock.advance(6 * MIN);
    await link.commands.next();
    await link.commands.next();
    await link.commands.next();
    expect(await online(link)).toMatchObject({ resent: 1 }); // the parcel.expect only
    expect((await link.commands.next()).type).toBe('parcel.expect');
    expect(stored(untouched)).toMatchObject({ status: 'failed', error: 'expired' });
    expect(
      cloud.logs.records.filter(
        (r) =>
          r.msg === 'command expired before the locker answered; not sent again' &&
          r['lockerId'] === 'LIFE-2',
      ),
    ).toHaveLength(2);
    await link.close();
  });

  it('keeps a command pending on a replayed or not-yet-valid answer and on an unverified rejection; fails it on expired', async () => {
    const { chain, link } = await enrolledUnit(cloud, 'LIFE-3', seed++);
    await cloud.request('POST', '/api/v1/allocations', allocationRequest('LIFE-3', 'P-3'));
    const announce = await link.commands.next();
    const refusal = (error: string) =>
      chain.next('command.result', {
        commandId: announce.id,
        type: announce.type,
        ok: false,
        error,
      });
    await link.publishEvents([
      chain.next('command.rejected_unverified', {
        reason: 'bad_signature',
        detail: 'signature does not verify with the cloud key',
        claimedId: announce.id,
        claimedType: announce.type,
      }),
      refusal('replayed'),
      refusal('not_yet_valid'),
    ]);
    expect(await link.acks.next()).toBe(3);
    expect(stored(announce.id)).toMatchObject({ status: 'pending', error: null });
    expect(await online(link)).toMatchObject({ resent: 1 });
    expect(await link.commands.next()).toEqual(announce);
    await link.publishEvents([
      chain.next('command.result', { commandId: announce.id, type: announce.type, ok: true }),
    ]);
    await link.acks.next();
    expect(stored(announce.id)).toMatchObject({ status: 'done' });

    const openId = await openRemote('LIFE-3');
    await link.commands.next();
    await link.publishEvents([
      chain.next('command.result', {
        commandId: openId,
        type: 'door.open_remote',
        ok: false,
        error: 'expired',
      }),
    ]);
    await link.acks.next();
    expect(stored(openId)).toMatchObject({ status: 'failed', error: 'expired' });
    await link.close();
  });

  it('signs a command stored before lifetimes once more, with its original issue time and the lifetime migration 6 gave it', async () => {
    const { link } = await enrolledUnit(cloud, 'LIFE-4', seed++);
    const issuedAt = cloud.clock.now() - DAY;
    const legacy = (type: string, payload: object, lifetime: number) => {
      const body = {
        v: 1,
        id: randomUUID(),
        lockerId: 'LIFE-4',
        issuedAt: new Date(issuedAt).toISOString(),
        type,
        payload,
      };
      const signed = { ...body, sig: signDetached(canonicalJson(body), cloudKey.privateKey) };
      const db = cloudDb(false);
      try {
        db.prepare(
          `INSERT INTO commands (id, locker_id, type, signed, status, issued_at, not_after)
           VALUES (?, 'LIFE-4', ?, ?, 'pending', ?, ?)`,
        ).run(body.id, type, JSON.stringify(signed), issuedAt, issuedAt + lifetime);
      } finally {
        db.close();
      }
      return body.id;
    };
    const cancelId = legacy('parcel.cancel', { parcelId: 'P-old' }, 7 * DAY);
    const openId = legacy(
      'door.open_remote',
      { compartmentId: 'C1', reason: 'from before', requestedBy: 'x' },
      5 * MIN,
    );
    expect(await online(link)).toMatchObject({ resent: 1 });
    const resent = await link.commands.next();
    expect(resent).toMatchObject({
      id: cancelId,
      issuedAt: new Date(issuedAt).toISOString(),
      notAfter: new Date(issuedAt + 7 * DAY).toISOString(),
      payload: { parcelId: 'P-old' },
    });
    expect(verifies(resent)).toBe(true);
    expect(JSON.parse(stored(cancelId).signed)).toEqual(resent);
    expect(stored(openId)).toMatchObject({ status: 'failed', error: 'expired' });
    await link.close();
  });
});
