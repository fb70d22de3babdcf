import { generateKeyPairSync } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { issueBadgeToken } from '../../shared/node/badgeToken';
import { cloudKeys, startFixture } from '../services/testSupport/kioskFixture';
import { startKioskIpc } from './kioskIpc';
import { Session } from './session';
import { fixtureHandlerTable } from './testSupport/handlerTable';

async function table() {
  const f = await startFixture();
  const session = new Session({ idleMs: 60_000 });
  const handlers = fixtureHandlerTable(f, session);
  const badge = (role: 'courier' | 'staff', key = cloudKeys.privateKey) =>
    issueBadgeToken(
      {
        id: `${role}-1`,
        role,
        sub: `${role}-one`,
        iat: new Date(f.clock.now()).toISOString(),
        exp: new Date(f.clock.now() + 86_400_000).toISOString(),
      },
      key,
    );
  return { f, handlers, session, badge };
}

describe('the IPC handler table', () => {
  it('validates every input and names the bad field', async () => {
    const { handlers } = await table();
    expect(await handlers['pickup:code']({ code: '123456', method: 'fax' })).toMatchObject({
      ok: false,
      error: { reason: 'invalid_input', problems: [expect.stringMatching(/^method:/)] },
    });
    expect(await handlers['status:get']({ extra: 1 })).toMatchObject({
      ok: false,
      error: { reason: 'invalid_input' },
    });
  });

  // Found beside the fuzz drill's lone-surrogate defect: text that is not valid Unicode cannot
  // be signed into an event, so a staff reason holding one failed inside the service instead
  // of being refused at the boundary.
  it('refuses text with a lone surrogate as invalid input, changing nothing', async () => {
    const { f, handlers, badge } = await table();
    await handlers['session:badge']({ token: badge('staff') });
    const before = f.db.prepare('SELECT count(*) AS n FROM events').get();
    const result = await handlers['staff:setService']({
      compartmentId: 'A1',
      inService: false,
      reason: 'broken \ud800',
    });
    expect(result).toEqual({
      ok: false,
      error: {
        reason: 'invalid_input',
        problems: [expect.stringMatching(/^reason: .*lone surrogate/)],
      },
    });
    expect(f.db.prepare('SELECT count(*) AS n FROM events').get()).toEqual(before);
    expect(
      await handlers['staff:setService']({
        compartmentId: 'A1',
        inService: false,
        reason: 'broken 📦',
      }),
    ).toMatchObject({ ok: true });
  });

  it('keeps courier and staff channels behind a badge login of the right role', async () => {
    const { handlers, badge } = await table();
    expect(await handlers['deposit:start']({ barcode: 'TRK1234' })).toEqual({
      ok: false,
      error: { reason: 'not_logged_in' },
    });
    const forged = badge('staff', generateKeyPairSync('ed25519').privateKey);
    expect(await handlers['session:badge']({ token: forged })).toEqual({
      ok: false,
      error: { reason: 'bad_signature' },
    });
    expect(await handlers['session:badge']({ token: badge('courier') })).toMatchObject({
      ok: true,
      value: { role: 'courier', subject: 'courier-one' },
    });
    expect(await handlers['staff:compartments']({})).toEqual({
      ok: false,
      error: { reason: 'not_allowed' },
    });
    expect(await handlers['deposit:start']({ barcode: 'TRK1234' })).toEqual({
      ok: false,
      error: { reason: 'size_needed' },
    });
    await handlers['session:logout']({});
    expect(await handlers['collection:list']({})).toEqual({
      ok: false,
      error: { reason: 'not_logged_in' },
    });
  });

  it('reports offline with the real outbox backlog', async () => {
    const { handlers, f } = await table();
    const r = await handlers['status:get']({});
    const events = (f.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    expect(r).toMatchObject({
      ok: true,
      value: { lockerId: 'test-locker', cloud: { online: false }, eventsWaiting: events },
    });
    expect(events).toBeGreaterThan(0);
  });

  it("tells the screens the locker's code length as the cloud last set it", async () => {
    const { handlers, f } = await table();
    expect(await handlers['status:get']({})).toMatchObject({ ok: true, value: { codeLength: 6 } });
    f.config.policy.codeLength = 8; // as config.update does, in place
    expect(await handlers['status:get']({})).toMatchObject({ ok: true, value: { codeLength: 8 } });
  });

  it('draws the locker by column letter and row number', async () => {
    const { handlers } = await table();
    const r = await handlers['locker:layout']({});
    if (!r.ok) throw new Error('layout refused');
    expect(r.value.columns).toEqual(['A', 'B']);
    expect(r.value.compartments.map((c) => c.id)).toEqual([
      'A1',
      'A2',
      'A3',
      'A4',
      'B1',
      'B2',
      'B3',
    ]);
    expect(r.value.compartments[3]).toMatchObject({
      column: 'A',
      row: 4,
      size: 'L',
      heightMm: 390,
    });
  });
});

describe('badge revocation', () => {
  it('ends the session of a revoked badge at once and tells the screens; other badges go on', async () => {
    const f = await startFixture();
    const devices = { board: f.board, scanner: null, simulation: null, close: async () => {} };
    const ipc = startKioskIpc(
      { core: f.core, db: f.db, devices },
      { lockerId: f.config.lockerId, log: pino({ level: 'silent' }) },
    );
    const pushed: unknown[] = [];
    ipc.push.subscribe((event, payload) => pushed.push({ event, payload }));
    const badge = (id: string) =>
      issueBadgeToken(
        {
          id,
          role: 'courier',
          sub: 'courier-one',
          iat: new Date(f.clock.now()).toISOString(),
          exp: new Date(f.clock.now() + 86_400_000).toISOString(),
        },
        cloudKeys.privateKey,
      );
    try {
      expect(await ipc.handlers['session:badge']({ token: badge('badge-a') })).toMatchObject({
        ok: true,
      });
      f.core.credentials.revoke('badge-b');
      expect(await ipc.handlers['collection:list']({})).toMatchObject({ ok: true });

      f.core.credentials.revoke('badge-a');
      expect(pushed).toContainEqual({ event: 'session:expired', payload: { role: 'courier' } });
      expect(ipc.session.info()).toBeNull();
      expect(await ipc.handlers['collection:list']({})).toEqual({
        ok: false,
        error: { reason: 'not_logged_in' },
      });
      expect(await ipc.handlers['session:badge']({ token: badge('badge-a') })).toEqual({
        ok: false,
        error: { reason: 'revoked' },
      });
    } finally {
      ipc.close();
    }
  });

  it('stops listening for revocations once the IPC side is closed', async () => {
    const f = await startFixture();
    const devices = { board: f.board, scanner: null, simulation: null, close: async () => {} };
    const ipc = startKioskIpc(
      { core: f.core, db: f.db, devices },
      { lockerId: f.config.lockerId, log: pino({ level: 'silent' }) },
    );
    ipc.session.begin('staff', 'staff-one', 'badge-s');
    ipc.close();
    ipc.session.begin('staff', 'staff-one', 'badge-s');
    f.core.credentials.revoke('badge-s');
    // A closed IPC side no longer owns the session: the kiosk's listener list does not grow.
    expect(ipc.session.info()).not.toBeNull();
  });
});

describe('the session', () => {
  it('ends after the idle time and says so', async () => {
    const { vi } = await import('vitest');
    vi.useFakeTimers();
    try {
      const expired: string[] = [];
      const s = new Session({ idleMs: 1000, onExpired: (r) => expired.push(r) });
      s.begin('staff', 'x', 'badge-x');
      vi.advanceTimersByTime(900);
      expect(s.touch()).not.toBeNull();
      vi.advanceTimersByTime(900);
      expect(s.actor()).not.toBeNull();
      vi.advanceTimersByTime(200);
      expect(s.actor()).toBeNull();
      expect(expired).toEqual(['staff']);
    } finally {
      vi.useRealTimers();
    }
  });
});
