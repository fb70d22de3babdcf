import { generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { issueBadgeToken } from '../../shared/node/badgeToken';
import { MAX_MESSAGE_BYTES } from '../../shared/protocol/topics';
import { startKioskIpc } from '../ipc/kioskIpc';
import { cloudKeys, digestOf } from '../services/testSupport/kioskFixture';
import { getCompartment } from '../store/compartments';
import { ackedSeq, listEvents } from '../store/events';
import { getParcel } from '../store/parcels';
import { getReturn } from '../store/returns';
import { isBadgeRevoked } from '../store/revokedBadges';
import { loadPolicyOverrides } from './policyOverrides';
import { deposit } from './testSupport/kioskActions';
import { until } from './testSupport/cloudPeer';
import { startLinkedKiosk, type LinkedKiosk } from './testSupport/linkFixture';
import { Mosquitto } from './testSupport/mosquitto';

let broker: Mosquitto;
beforeAll(async () => {
  broker = await Mosquitto.start();
});
afterAll(async () => {
  await broker.stop();
});

let k: LinkedKiosk;
let logs: { msg: string; reason?: string; commandId?: string }[];
let n = 0;
beforeEach(async () => {
  logs = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(JSON.parse(chunk.toString()) as (typeof logs)[number]);
      done();
    },
  });
  k = await startLinkedKiosk(broker.url, `commands-${++n}`, { log: pino({ level: 'info' }, sink) });
  await until(() => k.link.status().connection === 'online', 'online');
});
afterEach(async () => {
  await k.close();
});

/** Each parcel its own code: a code already active at the locker is refused (a conflict). */
const codeOf = (parcelId: string) =>
  String(100_000 + ([...parcelId].reduce((h, c) => h * 31 + c.charCodeAt(0), 7) % 900_000));
const expectation = (parcelId: string, code = codeOf(parcelId)) => ({
  parcelId,
  trackingBarcode: `TRK${parcelId}`,
  dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 },
  weightG: 900,
  codeDigest: digestOf(code),
});

/** Sends a command and waits for its command.result at the cloud end. */
async function run(command: Record<string, unknown>): Promise<Record<string, unknown>> {
  await k.peer.sendCommand(command);
  const id = String(command.id);
  await until(() => k.peer.results().has(id), `result of ${String(command.type)}`);
  return k.peer.results().get(id)!.at(-1)!;
}

describe('cloud commands', () => {
  it('applies each command type through KioskCore and answers with command.result', async () => {
    expect(await run(k.peer.command('parcel.expect', expectation('p1')))).toMatchObject({
      ok: true,
      type: 'parcel.expect',
    });
    expect(getParcel(k.db, 'p1')?.state).toBe('expected');
    expect(
      await run(k.peer.command('parcel.code', { parcelId: 'p1', codeDigest: digestOf('654321') })),
    ).toMatchObject({ ok: true });
    expect(getParcel(k.db, 'p1')?.codeDigest).toBe(digestOf('654321'));
    expect(await run(k.peer.command('parcel.cancel', { parcelId: 'p1' }))).toMatchObject({
      ok: true,
    });
    expect(getParcel(k.db, 'p1')?.state).toBe('cancelled');
    expect(await run(k.peer.command('parcel.cancel', { parcelId: 'nope' }))).toMatchObject({
      ok: false,
      error: 'unknown_parcel',
    });

    await deposit(k, 'p2', '222222');
    expect(
      await run(k.peer.command('parcel.extend', { parcelId: 'p2', holdDays: 7 })),
    ).toMatchObject({ ok: true });
    expect(getParcel(k.db, 'p2')?.holdDays).toBe(7);

    expect(
      await run(
        k.peer.command('return.expect', {
          returnId: 'r1',
          size: 'M',
          codeDigest: digestOf('999999'),
        }),
      ),
    ).toMatchObject({ ok: true });
    expect(getReturn(k.db, 'r1')?.state).toBe('expected');

    const out = k.peer.command('compartment.set_service', {
      compartmentId: 'B3',
      inService: false,
      reason: 'door bent',
    });
    expect(await run(out)).toMatchObject({ ok: true });
    expect(getCompartment(k.db, 'B3')?.state).toBe('out_of_service');
    const back = k.peer.command('compartment.set_service', {
      compartmentId: 'B3',
      inService: true,
      reason: 'fixed',
    });
    expect(await run(back)).toMatchObject({ ok: true });
    expect(getCompartment(k.db, 'B3')?.state).toBe('available');

    const open = k.peer.command('door.open_remote', {
      compartmentId: 'A1',
      reason: 'customer on the phone',
      requestedBy: 'agent-7',
    });
    expect(await run(open)).toMatchObject({ ok: true });
    expect(k.board.isOpen({ board: 0, lock: 1 })).toBe(true);
    expect(
      listEvents(k.db).some(
        (e) => e.type === 'staff.door_opened' && e.body.includes('cloud:agent-7'),
      ),
    ).toBe(true);

    expect(
      await run(k.peer.command('credentials.revoke', { badgeIds: ['badge-1', 'badge-2'] })),
    ).toMatchObject({ ok: true });
    expect(isBadgeRevoked(k.db, 'badge-2')).toBe(true);

    expect(
      await run(k.peer.command('config.update', { holdDays: 5, reservationTimeoutSec: 60 })),
    ).toMatchObject({ ok: true });
    expect(k.config.policy).toMatchObject({ holdDays: 5, reservationTimeoutSec: 60 });
    expect(loadPolicyOverrides(k.db)).toEqual({ holdDays: 5, reservationTimeoutSec: 60 });

    const snapshots = k.peer.snapshots.length;
    expect(await run(k.peer.command('state.request', {}))).toMatchObject({ ok: true });
    await until(() => k.peer.snapshots.length > snapshots, 'snapshot on request');
    expect(k.peer.snapshots.at(-1)!.compartments.find((c) => c.id === 'A1')?.doorOpen).toBe(true);
  });

  it('refuses forged, misaddressed, replayed, stale, malformed, invalid and oversized commands, applies none, and stays up', async () => {
    const impostor = generateKeyPairSync('ed25519');
    const forged = k.peer.command('parcel.expect', expectation('forged'), {
      key: impostor.privateKey,
    });
    const other = k.peer.command('parcel.expect', expectation('other'), {
      lockerId: 'someone-else',
    });
    const stale = k.peer.command('parcel.expect', expectation('stale'), {
      issuedAt: new Date(k.clock.now() - 2 * 86_400_000).toISOString(),
      notAfter: new Date(k.clock.now() - 1).toISOString(),
    });
    const badPayload = k.peer.command('parcel.expect', { parcelId: 'bad', weightG: -1 });
    const tampered = {
      ...k.peer.command('parcel.expect', expectation('orig')),
      payload: expectation('tampered'),
    };
    const unsigned = {
      ...k.peer.command('parcel.expect', expectation('unsigned')),
      sig: undefined,
    };
    const extraField = { ...k.peer.command('parcel.expect', expectation('extra')), admin: true };
    const first = k.peer.command('parcel.expect', expectation('once'));

    await k.peer.sendCommand(forged);
    await k.peer.sendCommand(other);
    await k.peer.sendCommand(stale);
    await k.peer.sendCommand(badPayload);
    await k.peer.sendCommand(tampered);
    await k.peer.sendCommand(unsigned);
    await k.peer.sendCommand(extraField);
    await k.peer.publishRaw(k.peer.topics.commands, '{"v":1,"id":');
    await k.peer.publishRaw(k.peer.topics.commands, Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20));
    await k.peer.sendCommand(first);
    const last = k.peer.command('parcel.expect', expectation('last'));
    expect(await run(last)).toMatchObject({ ok: true });
    // A replay once the cloud has acked the first answer (one before that is not answered
    // again: see cloudLink.replayAnswers.test.ts).
    const head = listEvents(k.db).at(-1)!.seq;
    await until(() => ackedSeq(k.db) >= head, 'the answers acked');
    await k.peer.sendCommand(first);
    await until(() => (k.peer.results().get(String(first.id))?.length ?? 0) === 2, 'the replay');

    // Only the genuine, well-formed commands had an effect, each once.
    for (const id of ['forged', 'other', 'stale', 'bad', 'orig', 'tampered', 'unsigned', 'extra']) {
      expect(getParcel(k.db, id), id).toBeUndefined();
    }
    expect(getParcel(k.db, 'once')?.state).toBe('expected');
    expect(listEvents(k.db).filter((e) => e.type === 'parcel.expected')).toHaveLength(2);

    const results = k.peer.results();
    const errorOf = (c: Record<string, unknown>) =>
      results.get(String(c.id))?.map((r) => r.error ?? 'ok');
    // Answered in the cloud's name only when the cloud's signature verified.
    expect(errorOf(other)).toEqual(['wrong_locker']);
    expect(errorOf(stale)).toEqual(['expired']);
    expect(errorOf(badPayload)).toEqual(['invalid_payload']);
    expect(errorOf(first)).toEqual(['ok', 'replayed']);
    for (const c of [forged, tampered, unsigned, extraField]) expect(errorOf(c)).toBeUndefined();
    const idOf = (c: Record<string, unknown>) => c['id'];
    const unverified = k.peer.events
      .filter((e) => e.type === 'command.rejected_unverified')
      .map((e) => [e.payload.claimedId, e.payload.reason]);
    expect(unverified).toEqual([
      [idOf(forged), 'bad_signature'],
      [idOf(tampered), 'bad_signature'],
      [idOf(unsigned), 'invalid_schema'],
      [idOf(extraField), 'invalid_schema'],
      [undefined, 'malformed_json'],
      [undefined, 'oversized'],
    ]);

    const refusals = logs.filter((l) => l.msg === 'cloud command refused').map((l) => l.reason);
    expect(refusals).toEqual(
      expect.arrayContaining([
        'bad_signature',
        'wrong_locker',
        'expired',
        'invalid_payload',
        'invalid_schema',
        'malformed_json',
        'oversized',
      ]),
    );
    expect(logs.some((l) => l.msg === 'cloud command replayed')).toBe(true);
    expect(k.link.status().connection).toBe('online');
    expect(k.link.counters.sessions).toBe(1);
  });

  it('records the clock skew against the cloud as an event and in the status', async () => {
    const ahead = k.peer.command(
      'state.request',
      {},
      {
        issuedAt: new Date(k.clock.now() - 3_600_000).toISOString(),
      },
    );
    expect(await run(ahead)).toMatchObject({ ok: true });
    expect(k.link.status()).toMatchObject({ clockSkewMs: 3_600_000, clockSkewed: true });
    const skew = listEvents(k.db).find((e) => e.type === 'clock.skew');
    expect(skew && JSON.parse(skew.body).payload).toMatchObject({
      skewMs: 3_600_000,
      commandId: ahead.id,
    });
  });

  it('credentials.revoke logs out the staff member whose badge it names, at once', async () => {
    const devices = { board: k.board, scanner: null, simulation: null, close: async () => {} };
    const ipc = startKioskIpc(
      { core: k.core, db: k.db, devices },
      { lockerId: k.config.lockerId, log: pino({ level: 'silent' }) },
    );
    const pushed: string[] = [];
    ipc.push.subscribe((event) => pushed.push(event));
    const token = issueBadgeToken(
      {
        id: 'staff-badge-9',
        role: 'staff',
        sub: 'staff-nine',
        iat: new Date(k.clock.now()).toISOString(),
        exp: new Date(k.clock.now() + 86_400_000).toISOString(),
      },
      cloudKeys.privateKey,
    );
    try {
      expect(await ipc.handlers['session:badge']({ token })).toMatchObject({ ok: true });
      expect(await ipc.handlers['staff:compartments']({})).toMatchObject({ ok: true });
      expect(
        await run(k.peer.command('credentials.revoke', { badgeIds: ['staff-badge-9'] })),
      ).toMatchObject({ ok: true });
      expect(pushed).toContain('session:expired');
      expect(await ipc.handlers['staff:compartments']({})).toEqual({
        ok: false,
        error: { reason: 'not_logged_in' },
      });
    } finally {
      ipc.close();
    }
  });
});

describe('the cloud’s signed time after the clock jumps', () => {
  it('holds expiry at what signed commands say, and lets it go once they agree with the clock', async () => {
    k.config.policy.maxClockStepSec = 3600;
    await deposit(k, 'jump-1', '246802');
    await k.core.tick();
    k.clock.advance(4 * 86_400_000); // the clock leaps four days between two ticks
    await k.core.tick();
    expect(getParcel(k.db, 'jump-1')?.state).toBe('deposited');
    // A command the cloud signed a day after the deposit, delivered now within its lifetime:
    // signed time, though not the clock's.
    const dayAfter = new Date(k.clock.now() - 3 * 86_400_000).toISOString();
    expect(await run(k.peer.command('state.request', {}, { issuedAt: dayAfter }))).toMatchObject({
      ok: true,
    });
    await k.core.tick();
    expect(getParcel(k.db, 'jump-1')?.state).toBe('deposited');
    // A fresh one agrees with the clock: the four days were real.
    expect(await run(k.peer.command('state.request', {}))).toMatchObject({ ok: true });
    await k.core.tick();
    expect(getParcel(k.db, 'jump-1')?.state).toBe('expired');
  });
});
