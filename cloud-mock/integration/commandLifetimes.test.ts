/**
 * Commands that expire, commands that are not consumed by a refusal, and revocations that reach
 * every locker: the real cloud-mock and real lockers (KioskCore + CloudLink) on its embedded
 * broker, with days passing on one fake clock while a locker is offline.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  AllocationResponse,
  AuditResponse,
  BadgeResponse,
  CancelResponseSchema,
  RevokeResponseSchema,
} from '../../src/shared/rest/schemas';
import { lockerTopics } from '../../src/shared/protocol/topics';
import { chainHead } from '../../src/main/store/events';
import { getParcel } from '../../src/main/store/parcels';
import { isBadgeRevoked } from '../../src/main/store/revokedBadges';
import type { z } from 'zod';
import { allocationRequest } from '../testSupport/cloudFixture';
import { until as untilIn } from './stand';
import { mosquittoPub } from '../../src/shared/node/testSupport/mosquittoClients';
import { asStranger } from '../testSupport/brokerLogins';
import {
  startFakeTimeStand,
  type FakeTimeStand,
  type LinkedLocker,
} from './testSupport/fakeTimeStand';

const DAY_MS = 86_400_000;
/** Well inside the test's timeout, so a failure names what never happened. */
const until = (condition: () => boolean, what: string) => untilIn(condition, what, 10_000);

let stand: FakeTimeStand;
beforeEach(async () => {
  stand = await startFakeTimeStand();
});
afterEach(async () => {
  await stand.close();
});

const resultsFor = (l: LinkedLocker, commandId: string) =>
  l.payloads('command.result').filter((p) => p['commandId'] === commandId);

async function post<T>(url: string, body: unknown, status: number): Promise<T> {
  const r = await stand.cloud.request<T>('POST', url, body);
  if (r.status !== status) throw new Error(`POST ${url}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function badge(subject: string): Promise<BadgeResponse> {
  return post<BadgeResponse>('/api/v1/badges', { role: 'staff', subject, validDays: 30 }, 201);
}

describe('a remote open issued while the locker is offline', () => {
  it('never opens the door: the cloud fails it as expired and the unit refuses the queued copy', async () => {
    const l = await stand.locker('life-open');
    await l.disconnect();
    const { commandId } = await post<{ commandId: string }>(
      '/api/v1/lockers/life-open/open',
      { compartmentId: 'A1', reason: 'customer on the phone' },
      202,
    );
    stand.clock.advance(3 * DAY_MS);
    await stand.cloud.tick();
    expect(stand.command(commandId)).toMatchObject({ status: 'failed', error: 'expired' });

    // Back online: the cloud resends nothing (its presence handling is done when connect returns),
    // but the broker kept its copy for the locker's session and delivers it: refused.
    await l.connect();
    const presence = stand.cloud.logs.records.filter(
      (r) => r.msg === 'presence recorded' && r['lockerId'] === 'life-open',
    );
    expect(presence.at(-1)).toMatchObject({ status: 'online', resent: 0 });
    await until(() => resultsFor(l, commandId).length > 0, 'the unit answers the queued copy');
    await l.link!.commandsIdle();
    expect(resultsFor(l, commandId)).toEqual([
      expect.objectContaining({ ok: false, error: 'expired' }),
    ]);
    expect(l.board.unlocked).toEqual([]);
    expect(l.payloads('staff.door_opened')).toEqual([]);
    expect(stand.command(commandId)).toMatchObject({ status: 'failed', error: 'expired' });
  });
});

describe('after an outage of more than a day', () => {
  it('applies the announcement, cancel and revocation queued for the locker, none answered replayed', async () => {
    const l = await stand.locker('life-outage');
    const before = await post<AllocationResponse>(
      '/api/v1/allocations',
      allocationRequest('life-outage', 'p-before'),
      201,
    );
    await until(() => getParcel(l.db, 'p-before')?.state === 'expected', 'p-before announced');
    const staff = await badge('staff-outage');
    await l.disconnect();

    await post('/api/v1/allocations', allocationRequest('life-outage', 'p-during'), 201);
    const cancel = await post<z.infer<typeof CancelResponseSchema>>(
      `/api/v1/allocations/${before.allocationId}/cancel`,
      undefined,
      200,
    );
    const revoke = await post<z.infer<typeof RevokeResponseSchema>>(
      `/api/v1/badges/${staff.badgeId}/revoke`,
      undefined,
      200,
    );
    stand.clock.advance(30 * 3_600_000);
    await stand.cloud.tick();
    await l.connect();

    await until(() => getParcel(l.db, 'p-during')?.state === 'expected', 'p-during announced');
    await until(() => getParcel(l.db, 'p-before')?.state === 'cancelled', 'p-before cancelled');
    await until(() => isBadgeRevoked(l.db, staff.badgeId), 'badge revoked');
    expect(l.core.credentials.login(staff.token)).toEqual({ ok: false, error: 'revoked' });
    for (const id of [cancel.commandId, ...revoke.commandIds]) {
      await until(() => stand.command(id).status !== 'pending', `command ${id} answered`);
      expect(stand.command(id)).toMatchObject({ status: 'done', error: null });
    }
    await l.link!.commandsIdle();
    const answers = l.payloads('command.result').map((p) => p['error'] ?? 'ok');
    expect(answers.filter((a) => a !== 'ok' && a !== 'replayed')).toEqual([]);
  });
});

describe('an unsigned message carrying a genuine pending command id', () => {
  it('is recorded as command.rejected_unverified, answers nothing, and the genuine command is applied', async () => {
    const token = await stand.provision('life-forged');
    // Enrolled, never connected: the announcement waits at the cloud, pending.
    const l = await stand.locker('life-forged', { token, online: false });
    await post('/api/v1/allocations', allocationRequest('life-forged', 'p-forged'), 201);
    const stored = stand.commandsOf('life-forged').filter((c) => c.type === 'parcel.expect');
    expect(stored).toMatchObject([{ status: 'pending' }]);
    const genuine = JSON.parse(stored[0]!.signed) as {
      id: string;
      payload: Record<string, unknown>;
    };
    // Someone who saw it on the wire sends it back with another code digest and no signature.
    const { sig: _sig, ...forged } = {
      ...genuine,
      payload: { ...genuine.payload, codeDigest: 'f'.repeat(64) },
    } as Record<string, unknown>;
    const message = {
      topic: lockerTopics('locker/v1', 'life-forged').commands,
      payload: JSON.stringify(forged),
      retain: true,
    };
    // A stranger is refused by the broker; the cloud's own broker account (a compromised broker
    // password, not the signing key) may publish commands, so the unit's check must catch it.
    const stranger = await mosquittoPub(asStranger(stand.cloud.mqttUrl), message);
    expect(stranger.status).not.toBe(0);
    const sent = await mosquittoPub(stand.asCloud(), message);
    expect(sent.status, sent.stderr).toBe(0);

    await l.connect();
    await until(() => getParcel(l.db, 'p-forged')?.state === 'expected', 'genuine applied');
    await until(() => stand.command(genuine.id).status === 'done', 'the cloud marks it done');
    await l.link!.commandsIdle();
    expect(getParcel(l.db, 'p-forged')?.codeDigest).toBe(genuine.payload['codeDigest']);
    expect(l.payloads('command.rejected_unverified')).toEqual([
      expect.objectContaining({ claimedId: genuine.id, claimedType: 'parcel.expect' }),
    ]);
    expect(resultsFor(l, genuine.id)).toEqual([expect.objectContaining({ ok: true })]);
    // The locker's chain, the forgery's refusal in it, verifies at the cloud.
    await until(() => l.link!.status().ackedSeq === chainHead(l.db)?.seq, 'all acked');
    const audit = await stand.cloud.request<AuditResponse>(
      'GET',
      '/api/v1/lockers/life-forged/audit',
    );
    expect(audit.body).toMatchObject({
      ackedSeq: chainHead(l.db)!.seq,
      lastHash: chainHead(l.db)!.hash,
      gaps: [],
      brokenLinks: [],
      flagged: false,
    });
    const cleared = await mosquittoPub(stand.asCloud(), { ...message, payload: '' });
    expect(cleared.status, cleared.stderr).toBe(0);
  });
});

describe('revocations reach every locker', () => {
  it('refuses at a locker a badge revoked before that locker enrolled', async () => {
    const staff = await badge('staff-early');
    await post(`/api/v1/badges/${staff.badgeId}/revoke`, undefined, 200);
    const l = await stand.locker('life-late');
    await until(() => isBadgeRevoked(l.db, staff.badgeId), 'the revocation list arrives');
    expect(l.core.credentials.login(staff.token)).toEqual({ ok: false, error: 'revoked' });
  });

  it('refuses a badge revoked while the locker was offline for two days, once it is back', async () => {
    const l = await stand.locker('life-away');
    const staff = await badge('staff-away');
    expect(l.core.credentials.login(staff.token).ok).toBe(true);
    await l.disconnect();
    await post(`/api/v1/badges/${staff.badgeId}/revoke`, undefined, 200);
    stand.clock.advance(2 * DAY_MS);
    await stand.cloud.tick();
    await l.connect();
    await until(() => isBadgeRevoked(l.db, staff.badgeId), 'the revocation arrives');
    expect(l.core.credentials.login(staff.token)).toEqual({ ok: false, error: 'revoked' });
  });
});
