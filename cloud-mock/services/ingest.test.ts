import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedEvent } from '../../src/shared/events';
import { signEvent } from '../../src/shared/node/eventChain';
import { testKey } from '../../src/shared/node/testChain';
import { MAX_MESSAGE_BYTES } from '../../src/shared/protocol/topics';
import type { AuditResponse } from '../../src/shared/rest/schemas';
import { DeviceChain, DeviceLink } from '../testSupport/device';
import { mosquittoPub } from '../../src/shared/node/testSupport/mosquittoClients';
import { asLocker, asStranger } from '../testSupport/brokerLogins';
import { startSecuredMosquitto, type SecuredMosquitto } from '../testSupport/securedMosquitto';
import {
  provisionAndEnroll,
  startTestCloud,
  type EnrolledLocker,
  type TestCloud,
} from '../testSupport/cloudFixture';

const bodyOf = ({ hash: _h, sig: _s, ...body }: SignedEvent) => body;

describe.each(['embedded aedes', 'mosquitto'] as const)('event ingest on %s', (broker) => {
  let mosquitto: SecuredMosquitto | null = null;
  let cloud: TestCloud;
  let seed = 20;

  beforeAll(async () => {
    if (broker === 'mosquitto') mosquitto = await startSecuredMosquitto();
    cloud = await startTestCloud(mosquitto?.cloudOptions ?? {});
  });
  afterAll(async () => {
    await cloud.close();
    await mosquitto?.mosquitto.close();
  });

  async function unit(
    id: string,
  ): Promise<{ locker: EnrolledLocker; chain: DeviceChain; link: DeviceLink }> {
    const locker = await provisionAndEnroll(cloud, id, {}, seed++);
    return {
      locker,
      chain: new DeviceChain(id, locker.key),
      link: await DeviceLink.connect(cloud.mqttUrl, locker.login, {
        cloudPublicKey: cloud.cloudPublicKey,
      }),
    };
  }

  const audit = async (id: string) =>
    (await cloud.request<AuditResponse>('GET', `/api/v1/lockers/${id}/audit`)).body;

  it('signs every ack with the cloud key, for this locker, with a stamp that only moves forward', async () => {
    const { chain, link } = await unit('ING-SIGNED');
    const events = chain.filler(4);
    await link.publishEvents(events.slice(0, 2));
    expect(await link.acks.next()).toBe(2);
    await link.publishEvents(events.slice(2));
    expect(await link.acks.next()).toBe(4);
    // The fake clock has not moved: the stamps still differ and grow.
    const [first, second] = link.signedAcks;
    expect(first).toMatchObject({ v: 1, lockerId: 'ING-SIGNED', upToSeq: 2 });
    expect(Date.parse(second!.at)).toBeGreaterThan(Date.parse(first!.at));
    expect(link.refusedAcks).toEqual([]);
    await link.close();
  });

  it('acks the stored head when a locker comes online, so a unit ahead of it resends', async () => {
    const { chain, link } = await unit('ING-ONLINE');
    await link.publishEvents(chain.filler(3));
    expect(await link.acks.next()).toBe(3);
    await link.publishRaw(link.topics.presence, JSON.stringify({ v: 1, status: 'online' }), true);
    expect(await link.acks.next()).toBe(3);
    await link.publishRaw(link.topics.presence, JSON.stringify({ v: 1, status: 'offline' }), true);
    await link.publishRaw(link.topics.presence, JSON.stringify({ v: 1, status: 'online' }), true);
    expect(await link.acks.next()).toBe(3); // none for offline, one more for online
    expect(link.signedAcks).toHaveLength(3);
    await link.close();
  });

  it('acks cumulatively and dedupes repeated and overlapping batches', async () => {
    const { chain, link } = await unit('ING-DEDUPE');
    const events = chain.filler(6);
    await link.publishEvents(events.slice(0, 3));
    expect(await link.acks.next()).toBe(3);
    await link.publishEvents(events.slice(0, 3));
    expect(await link.acks.next()).toBe(3);
    await link.publishEvents(events.slice(1, 6));
    expect(await link.acks.next()).toBe(6);
    const a = await audit('ING-DEDUPE');
    expect(a).toMatchObject({ lastSeq: 6, ackedSeq: 6, gaps: [], brokenLinks: [], flagged: false });
    expect(a.lastHash).toBe(events[5]!.hash);
    await link.close();
  });

  it('holds events behind a gap and acks them once it is filled', async () => {
    const { chain, link } = await unit('ING-GAP');
    const events = chain.filler(8);
    await link.publishEvents(events.slice(0, 2));
    expect(await link.acks.next()).toBe(2);
    // 3 and 4 are late; 5..8 arrive first, out of order within the batch too.
    await link.publishEvents([events[7]!, events[4]!, events[6]!, events[5]!]);
    expect(await link.acks.next()).toBe(2);
    expect(await audit('ING-GAP')).toMatchObject({
      lastSeq: 8,
      ackedSeq: 2,
      gaps: [{ fromSeq: 3, toSeq: 4 }],
    });
    await link.publishEvents([events[3]!]);
    expect(await link.acks.next()).toBe(2);
    await link.publishEvents([events[2]!]);
    expect(await link.acks.next()).toBe(8);
    expect(await audit('ING-GAP')).toMatchObject({
      lastSeq: 8,
      ackedSeq: 8,
      gaps: [],
      flagged: false,
    });
    await link.close();
  });

  it('holds nothing ahead of a gap that the device key did not sign: a forgery published there takes no genuine event’s place', async () => {
    const { locker, chain, link: first } = await unit('ING-HELD-FORGERY');
    // The attacker takes the locker's client id (its broker username): the unit steps aside.
    await first.close();
    const events = chain.filler(3);
    const forged = signEvent(bodyOf(events[2]!), testKey(99));
    const message = {
      topic: first.topics.events,
      payload: JSON.stringify({ v: 1, events: [forged] }),
    };
    // A stranger is refused by the broker itself.
    const stranger = await mosquittoPub(asStranger(cloud.mqttUrl), message);
    expect(stranger.status).not.toBe(0);
    // The locker's own broker account (a stolen broker password, but not its device key) may
    // publish on its events topic: the cloud's own check has to catch this one.
    const ingested = cloud.logs.records.length;
    const r = await mosquittoPub(asLocker(cloud.mqttUrl, locker.login), message);
    expect(r.status, r.stderr).toBe(0);
    await cloud.logs.waitFor(
      (rec) =>
        cloud.logs.records.indexOf(rec) >= ingested &&
        rec.msg === 'event batch ingested' &&
        rec['lockerId'] === 'ING-HELD-FORGERY',
    );
    expect((await audit('ING-HELD-FORGERY')).gaps).toEqual([]);
    const link = await DeviceLink.connect(cloud.mqttUrl, locker.login, {
      cloudPublicKey: cloud.cloudPublicKey,
    });
    await link.publishEvents(events);
    // The genuine batch is all stored.
    expect(await link.acks.until((seq) => seq === 3)).toBe(3);
    expect(await audit('ING-HELD-FORGERY')).toMatchObject({
      ackedSeq: 3,
      lastHash: events[2]!.hash,
      brokenLinks: [],
      flagged: false,
    });
    await link.close();
  });

  it('flags a bad signature and never acks past it', async () => {
    const { chain, link } = await unit('ING-SIG');
    const events = chain.filler(6);
    await link.publishEvents(events.slice(0, 3));
    expect(await link.acks.next()).toBe(3);
    const forged = signEvent(bodyOf(events[3]!), testKey(99));
    await link.publishEvents([forged, events[4]!, events[5]!]);
    expect(await link.acks.next()).toBe(3);
    const a = await audit('ING-SIG');
    expect(a.flagged).toBe(true);
    expect(a.ackedSeq).toBe(3);
    expect(a.brokenLinks).toEqual([expect.objectContaining({ seq: 4, reason: 'bad_signature' })]);
    // Resending the forgery changes nothing and is not recorded twice.
    await link.publishEvents([forged]);
    expect(await link.acks.next()).toBe(3);
    expect((await audit('ING-SIG')).brokenLinks).toHaveLength(1);
    await link.close();
  });

  it('flags a broken link (prevHash) and a tampered payload (hash)', async () => {
    const { chain, link } = await unit('ING-LINK');
    const events = chain.filler(4);
    await link.publishEvents(events.slice(0, 2));
    expect(await link.acks.next()).toBe(2);
    const relinked = signEvent({ ...bodyOf(events[2]!), prevHash: 'a'.repeat(64) }, chain.key);
    await link.publishEvents([relinked]);
    expect(await link.acks.next()).toBe(2);
    const tampered = { ...events[2]!, payload: { compartmentId: 'B2', operation: 'staff_open' } };
    await link.publishEvents([tampered]);
    expect(await link.acks.next()).toBe(2);
    const a = await audit('ING-LINK');
    expect(a.flagged).toBe(true);
    expect(a.brokenLinks.map((b) => [b.seq, b.reason])).toEqual([
      [3, 'prev_hash_mismatch'],
      [3, 'hash_mismatch'],
    ]);
    expect(a.ackedSeq).toBe(2);
    await link.close();
  });

  it('flags a different event under an already stored seq (a fork)', async () => {
    const { chain, link } = await unit('ING-FORK');
    const events = chain.filler(2);
    await link.publishEvents(events);
    expect(await link.acks.next()).toBe(2);
    const other = signEvent({ ...bodyOf(events[1]!), at: '2030-01-01T00:00:00.000Z' }, chain.key);
    await link.publishEvents([other]);
    expect(await link.acks.next()).toBe(2);
    expect((await audit('ING-FORK')).brokenLinks).toEqual([
      expect.objectContaining({ seq: 2, reason: 'conflicting_duplicate' }),
    ]);
    await link.close();
  });

  it('drops malformed, invalid and oversized messages with the reason and stays connected', async () => {
    const { chain, link } = await unit('ING-BAD');
    const topic = link.topics.events;
    const reasons = ['malformed_json', 'invalid_schema', 'oversized'] as const;
    await link.publishRaw(topic, '{"v":1,"events":[');
    await link.publishRaw(topic, JSON.stringify({ v: 1, events: [{ seq: 1 }] }));
    await link.publishRaw(topic, Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20));
    for (const reason of reasons) {
      const record = await cloud.logs.waitFor(
        (r) => r.msg === 'mqtt message dropped' && r['reason'] === reason && r['topic'] === topic,
      );
      expect(String(record['detail']).length).toBeGreaterThan(0);
    }
    // Events on an unknown locker's topic never get this far: the broker refuses a publish on
    // another locker's topic (brokerAccess/attacks.test.ts); the cloud's own check of them is
    // shown on a broker whose accounts are managed elsewhere (brokerAccess/managedElsewhere.test.ts).
    // The same link, and the cloud's, still work: a good batch is acked from seq 1.
    const good = new DeviceChain('ING-BAD', chain.key).filler(2);
    await link.publishEvents(good);
    expect(await link.acks.next()).toBe(2);
    expect(link.acks.all).toEqual([2]);
    expect((await audit('ING-BAD')).flagged).toBe(false);
    await link.close();
  });
});
