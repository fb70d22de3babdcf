/**
 * The code throttle as an attacker meets it through the real pickup and return paths: only
 * failures feed it, and nothing a person can make match (their own expired parcel, a return
 * with no free compartment, their own door held open, a customer's success) gives fresh tries.
 */
import { describe, expect, it } from 'vitest';
import { qrPayload } from '../../shared/qrToken';
import { getCompartment } from '../store/compartments';
import {
  announce,
  deposit,
  digestOf,
  startFixture,
  type Fixture,
} from './testSupport/kioskFixture';

const wrong = (f: Fixture, n: number) => f.core.pickups.withCode(String(900_000 + n), 'code');

/** Five wrong codes (the debt the default policy lets pass): one more and the keypad waits. */
async function fiveWrong(f: Fixture): Promise<void> {
  for (let i = 0; i < 5; i++)
    expect(await wrong(f, i)).toMatchObject({ ok: false, error: { reason: 'code_invalid' } });
}

/** The next wrong code after a match: the match gave no fresh tries, so the keypad waits. */
async function expectStillEngaged(f: Fixture): Promise<void> {
  expect(await wrong(f, 99)).toMatchObject({ ok: false, error: { reason: 'code_invalid' } });
  expect(f.core.codes.retryAfterMs()).toBeGreaterThan(0);
}

describe('matches that open nothing new never give fresh tries', () => {
  it("the attacker's own expired parcel", async () => {
    const f = await startFixture();
    announce(f, 'own', '111111');
    await deposit(f, 'own');
    f.clock.advance(4 * 86_400_000);
    await f.core.tick();
    await fiveWrong(f);
    expect(await f.core.pickups.withCode('111111', 'code')).toMatchObject({
      error: { reason: 'parcel_expired' },
    });
    await expectStillEngaged(f);
  });

  it('a return code while no compartment of its size is free', async () => {
    const f = await startFixture();
    for (const c of f.core.compartments())
      f.core.staff.setOutOfService({ role: 'staff', subject: 's' }, c.id, 'full for the test');
    f.core.announcements.expectReturn({
      returnId: 'r1',
      size: 'S',
      codeDigest: digestOf('222222'),
    });
    await fiveWrong(f);
    const noSpace = await f.core.returns.withCode('222222', 'code');
    expect(noSpace.ok).toBe(false);
    if (!noSpace.ok)
      expect(noSpace.error.reason).toMatch(/^no_(free_compartment|compartment_fits)$/);
    await expectStillEngaged(f);
  });

  it("the attacker's own door held open, the code typed again and again", async () => {
    const f = await startFixture();
    announce(f, 'own', '333333');
    const id = await deposit(f, 'own');
    expect((await f.core.pickups.withCode('333333', 'code')).ok).toBe(true);
    await f.core.settled();
    expect(getCompartment(f.db, id)?.doorOpen).toBe(true);
    await fiveWrong(f);
    expect((await f.core.pickups.withCode('333333', 'code')).ok).toBe(true); // same door
    await expectStillEngaged(f);
  });

  it("a customer's success does not erase other people's failures", async () => {
    const f = await startFixture();
    announce(f, 'theirs', '444444');
    await deposit(f, 'theirs');
    await fiveWrong(f);
    expect((await f.core.pickups.withCode('444444', 'code')).ok).toBe(true);
    await expectStillEngaged(f);
  });
});

describe('QR tokens: outside the keypad throttle, each kind where it belongs', () => {
  const token = (n: number) => `${'A'.repeat(20)}${String(n).padStart(2, '0')}`;
  const pickupQr = qrPayload('pickup', token(1));
  const returnQr = qrPayload('return', token(2));

  it('a pickup QR opens its door while the keypad makes typists wait', async () => {
    const f = await startFixture();
    f.core.announcements.expectParcel({
      parcelId: 'pq',
      trackingBarcode: 'TRKpq',
      dimensions: { lengthMm: 300, widthMm: 200, heightMm: 80 },
      weightG: 500,
      codeDigest: digestOf('555555'),
      qrDigest: digestOf(pickupQr),
    });
    const id = await deposit(f, 'pq');
    for (let i = 0; i < 8; i++) await wrong(f, i);
    expect(f.core.codes.retryAfterMs()).toBeGreaterThan(0);
    expect(await f.core.pickups.withCode('555555', 'code')).toMatchObject({
      error: { reason: 'throttled' },
    });
    expect(await f.core.pickups.withCode(pickupQr, 'qr')).toMatchObject({
      ok: true,
      value: { compartmentId: id },
    });
  });

  it('a return QR is no pickup, and a pickup QR no return: each opens only its own kind', async () => {
    const f = await startFixture();
    f.core.announcements.expectReturn({
      returnId: 'rq',
      size: 'S',
      codeDigest: digestOf('666666'),
      qrDigest: digestOf(returnQr),
    });
    expect(await f.core.pickups.withCode(returnQr, 'qr')).toMatchObject({
      error: { reason: 'bad_format' },
    });
    // The same token under the pickup prefix is another payload, so another digest.
    const swapped = qrPayload('pickup', token(2));
    expect(await f.core.returns.withCode(swapped, 'qr')).toMatchObject({
      error: { reason: 'bad_format' },
    });
    expect((await f.core.returns.withCode(returnQr, 'qr')).ok).toBe(true);
  });

  it('wrong QR tokens never feed the keypad throttle; a flood of them pauses scanning only', async () => {
    const f = await startFixture();
    for (let i = 0; i < 10; i++)
      expect(await f.core.pickups.withCode(qrPayload('pickup', token(50 + i)), 'qr')).toMatchObject(
        { error: { reason: 'code_invalid' } },
      );
    expect(f.core.codes.retryAfterMs()).toBe(0);
    expect(await f.core.pickups.withCode(qrPayload('pickup', token(99)), 'qr')).toMatchObject({
      error: { reason: 'throttled' },
    });
    f.clock.advance(60_000);
    expect(await f.core.pickups.withCode(qrPayload('pickup', token(98)), 'qr')).toMatchObject({
      error: { reason: 'code_invalid' },
    });
  });

  it('an older QR carrying the keypad code still works, under keypad rules', async () => {
    const f = await startFixture();
    announce(f, 'old', '777777');
    await deposit(f, 'old');
    expect((await f.core.pickups.withCode('LKP1:777777', 'qr')).ok).toBe(true);
  });
});

describe('time, as the throttle counts it', () => {
  it('a wall clock stepped forward pays no debt off: only time that really passed does', async () => {
    const f = await startFixture();
    await fiveWrong(f);
    await wrong(f, 5); // the keypad now waits 15 s
    f.clock.t += 86_400_000; // someone sets the clock a day ahead; 15 s really pass
    f.clock.advance(15_000);
    await wrong(f, 6);
    expect(f.core.codes.retryAfterMs()).toBe(30_000); // the debt was still owed
  });

  it('a day that really passed pays the debt off', async () => {
    const f = await startFixture();
    await fiveWrong(f);
    await wrong(f, 5);
    f.clock.advance(86_400_000);
    await wrong(f, 6);
    expect(f.core.codes.retryAfterMs()).toBe(0);
  });
});

describe('the tries a customer is told are left', () => {
  it('count down with each wrong code to the one that makes the keypad wait, and a match gives none back', async () => {
    const f = await startFixture();
    announce(f, 'p1', '123456');
    await deposit(f, 'p1');
    expect(f.core.codes.attemptsLeft()).toBe(5);
    for (let i = 1; i <= 3; i++) {
      await wrong(f, i);
      expect(f.core.codes.attemptsLeft()).toBe(5 - i);
    }
    expect((await f.core.pickups.withCode('123456', 'code')).ok).toBe(true);
    expect(f.core.codes.attemptsLeft()).toBe(2);
    await wrong(f, 4);
    await wrong(f, 5);
    expect(f.core.codes.attemptsLeft()).toBe(0);
    expect(f.core.codes.retryAfterMs()).toBe(0);
    await wrong(f, 6);
    expect(f.core.codes.retryAfterMs()).toBeGreaterThan(0);
    expect(f.core.codes.attemptsLeft()).toBe(0);
  });
});
