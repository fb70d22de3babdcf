import { qrPayload } from '../../shared/qrToken';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeApi } from '../testing/fakeApi';
import { IDLE_MS, IDLE_WARNING_MS, idlePhase, resetKioskStore, useKiosk } from './kioskStore';

const T0 = 1_800_000_000_000;
beforeEach(() => {
  resetKioskStore();
  useKiosk.setState({ now: T0, lastActivity: T0 });
});
afterEach(resetKioskStore);

const s = () => useKiosk.getState();

describe('the kiosk store', () => {
  it('turns wrong, used and malformed codes into one neutral notice', async () => {
    const { api } = fakeApi({
      'pickup:code': () => ({ ok: false, error: { reason: 'code_invalid' } }),
      'pickup:throttle': () => ({ ok: true, value: { retryAfterMs: 0, attemptsLeft: 5 } }),
    });
    s().setApi(api);
    s().go('pickup');
    for (const d of '123456') s().typeDigit(d);
    await s().submitCode();
    // The code stays to be compared with the message, marked as refused.
    expect(s().screen).toMatchObject({
      name: 'pickup',
      code: '123456',
      rejected: true,
      notice: 'codeInvalid',
      attemptsLeft: 5,
    });
  });

  it('shows the throttle as soon as the failure that engages it comes back', async () => {
    const { api } = fakeApi({
      'pickup:code': () => ({ ok: false, error: { reason: 'code_invalid' } }),
      'pickup:throttle': () => ({ ok: true, value: { retryAfterMs: 30_000, attemptsLeft: 5 } }),
    });
    s().setApi(api);
    useKiosk.setState({ screen: { name: 'pickup', code: '111111', notice: null, busy: false } });
    await s().submitCode();
    expect(s().throttleUntil).toBe(T0 + 30_000);
    s().tick(T0 + 30_000);
    expect(s().throttleUntil).toBeNull();
  });

  it('follows the door of a pickup from opening to done', async () => {
    const { api } = fakeApi({
      'pickup:code': () => ({
        ok: true,
        value: { operationId: 1, parcelId: 'p', compartmentId: 'A3' },
      }),
      'locker:layout': () => ({
        ok: true,
        value: { lockerId: 'l', columns: [], compartments: [] },
      }),
    });
    s().setApi(api);
    useKiosk.setState({ screen: { name: 'pickup', code: '123456', notice: null, busy: false } });
    await s().submitCode();
    expect(s().screen).toMatchObject({
      name: 'customerDoor',
      compartmentId: 'A3',
      phase: 'opening',
    });
    s().onPush('door:opened', { compartmentId: 'B1', operation: 'pickup' });
    expect(s().screen).toMatchObject({ phase: 'opening' });
    s().onPush('door:opened', { compartmentId: 'A3', operation: 'pickup' });
    expect(s().screen).toMatchObject({ phase: 'open' });
    s().onPush('operation:finished', {
      compartmentId: 'A3',
      operation: 'pickup',
      outcome: 'completed',
      reason: null,
    });
    expect(s().screen).toMatchObject({ phase: 'closed' });
  });

  it('routes a scanned badge to the courier or staff screen by role', async () => {
    const { api } = fakeApi({
      'session:badge': () => ({
        ok: true,
        value: { role: 'staff', subject: 'sam', expiresAt: T0 + 1 },
      }),
      'staff:compartments': () => ({ ok: true, value: [] }),
    });
    s().setApi(api);
    await s().handleScan('LKB1.abc.def');
    expect(s().screen.name).toBe('staff');
    expect(s().session?.subject).toBe('sam');
  });

  it('sends a QR scanned on the home screen to pickup', async () => {
    const { api, calls } = fakeApi({
      'pickup:code': () => ({ ok: false, error: { reason: 'code_invalid' } }),
      'pickup:throttle': () => ({ ok: true, value: { retryAfterMs: 0, attemptsLeft: 5 } }),
    });
    s().setApi(api);
    await s().handleScan('LKP1:123456');
    expect(calls[0]).toEqual({
      channel: 'pickup:code',
      input: { code: 'LKP1:123456', method: 'qr' },
    });
  });

  it('routes a return QR to the return flow, from home or from the pickup screen', async () => {
    const returnQr = qrPayload('return', 'R'.repeat(22));
    for (const start of ['home', 'pickup'] as const) {
      const { api, calls } = fakeApi({
        'return:code': () => ({ ok: false, error: { reason: 'code_invalid' } }),
        'pickup:throttle': () => ({ ok: true, value: { retryAfterMs: 0, attemptsLeft: 5 } }),
      });
      s().setApi(api);
      if (start === 'pickup') await s().handleScan(qrPayload('pickup', 'P'.repeat(22)));
      calls.length = 0;
      await s().handleScan(returnQr);
      expect(calls[0]).toEqual({ channel: 'return:code', input: { code: returnQr, method: 'qr' } });
      expect(s().screen.name).toBe('return');
      s().goHome();
    }
  });

  it('sends a pickup QR while the keypad waits out its delay; typed codes wait', async () => {
    const pickupQr = qrPayload('pickup', 'P'.repeat(22));
    const { api, calls } = fakeApi({
      'pickup:code': () => ({ ok: false, error: { reason: 'code_invalid' } }),
      'pickup:throttle': () => ({ ok: true, value: { retryAfterMs: 60_000, attemptsLeft: 5 } }),
    });
    s().setApi(api);
    useKiosk.setState({ throttleUntil: s().now + 60_000 });
    await s().handleScan(pickupQr);
    expect(calls.filter((c) => c.channel === 'pickup:code')).toEqual([
      { channel: 'pickup:code', input: { code: pickupQr, method: 'qr' } },
    ]);
  });

  it('warns before going home when idle, then logs out', async () => {
    const { api, calls } = fakeApi({ 'session:logout': () => ({ ok: true, value: null }) });
    s().setApi(api);
    useKiosk.setState({
      screen: { name: 'courierLogin', notice: null, busy: false },
      session: { role: 'courier', subject: 'a', expiresAt: T0 + IDLE_MS },
    });
    expect(idlePhase(T0 + IDLE_MS - IDLE_WARNING_MS, T0)).toBe('warning');
    s().tick(T0 + IDLE_MS - 1);
    expect(s().screen.name).toBe('courierLogin');
    s().tick(T0 + IDLE_MS);
    await Promise.resolve();
    expect(s().screen.name).toBe('home');
    expect(calls.map((c) => c.channel)).toContain('session:logout');
  });
});
